#pragma once
// Redaction for the "redact" privacy policy: each finding is replaced by a typed placeholder
// ([EMAIL_1], [PHONE_2], [CREDIT_CARD_1]) before the text goes to a cloud model, and the mapping is
// kept so that Restorer can put the originals back into the model's answer. One Redactor serves one
// request: the same value gets the same placeholder in every message of it, so the model can still
// tell that two mentions are the same person.
#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "privacy/finding.h"

namespace sy::privacy {

class Redactor {
 public:
  // `findings` are byte offsets into `text` (Scanner::scan's). Overlapping findings are skipped
  // after the first; a finding outside the text is ignored. Personal facts ("insulin") stay: the
  // person's name is replaced instead, and without it the fact is a topic the model needs.
  std::string redact(std::string_view text, const std::vector<Finding>& findings);

  // (placeholder, original value) in order of first appearance. Holds the sensitive values: never
  // log it, never let it outlive the request.
  const std::vector<std::pair<std::string, std::string>>& mapping() const { return mapping_; }

 private:
  const std::string& placeholder_for(Kind kind, std::string_view value);

  std::vector<std::pair<std::string, std::string>> mapping_;
  std::unordered_map<std::string, size_t> by_value_;  // original value -> index in mapping_
  std::array<int, kKindCount> counters_{};            // per kind: [PHONE_1], [PHONE_2], ...
};

// The findings plus every other place the same values are written in the text, as whole words: a
// name found next to a fact ("小蕭：這禮拜先請陪產假") is hidden where it is said without one too
// ("小蕭：我老婆昨天生了"). `values` are (kind, value) pairs, from this text or from the rest of the
// request. Sorted by start, disjoint.
std::vector<Finding> every_mention(std::string_view text, std::vector<Finding> findings,
                                   const std::vector<std::pair<Kind, std::string>>& values);

// "[" + KIND + "_" + n + "]", the kind's name upper-cased: [TW_NATIONAL_ID_1].
std::string placeholder_text(Kind kind, int n);

}  // namespace sy::privacy
