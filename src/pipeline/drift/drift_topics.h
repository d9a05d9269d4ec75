#pragma once
// FAQ topics as drift counts them: the topic of the FAQ matcher's best entry for a request (its
// `topic` field, or the entry's id when the FAQ gives none), or "none" when the best match scores
// below `min_score`. Indices are fixed at start (0 = none), so a Sample carries one byte.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "router/faq_matcher.h"

namespace sy::pipeline {

class DriftTopics {
 public:
  DriftTopics(const router::FaqMatcher* faq, double min_score);
  // Index 0 is "none".
  const std::vector<std::string>& names() const { return names_; }
  uint8_t index(std::string_view faq_id, double score) const;

 private:
  // Looked up by string_view on the request path, without making a string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  double min_score_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint8_t, Hash, std::equal_to<>> by_entry_;
};

}  // namespace sy::pipeline
