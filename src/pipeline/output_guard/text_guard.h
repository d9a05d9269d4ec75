#pragma once
// The output guard over one streamed text (one choice of an answer): what may go out now, with
// what the privacy scanner finds redacted, blocked or only noted, as the policy says.
//
// Text is held back only while a match may still be growing through it: the word in progress
// (a run without ASCII whitespace: an e-mail address, a key, a token), a number in progress across
// its separators ("4111 1111 1111 ", "+886 912-"), and the last bytes a blocked term could still
// complete; never more than `hold_back` bytes. Everything before that is scanned together with
// the last bytes already released (so a match that began there is still seen) and goes out at
// once, so a stream's first words are barely delayed, and when nothing is found the text that
// goes out is the text that came in.
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/finding.h"
#include "privacy/redactor.h"
#include "privacy/scanner.h"

namespace sy::pipeline {

enum class GuardAction { redact, block, log };
GuardAction guard_action(const std::string& name);
const char* to_string(GuardAction a);

struct GuardPolicy {
  GuardAction on_sensitive = GuardAction::redact;
  GuardAction on_blocked_term = GuardAction::block;  // confidential_term findings: dictionaries and blocked_terms
  std::set<privacy::Kind> kinds;                      // empty = every kind
  size_t hold_back = 1024;
  size_t longest_term = 0;                            // bytes of the longest blocked term
};

class TextGuard {
 public:
  TextGuard(const privacy::Scanner& scanner, const GuardPolicy& policy) : scanner_(scanner), policy_(policy) {}

  // The text that may go out now.
  std::string push(std::string_view text);
  // The end of the text: whatever was held, checked.
  std::string flush();
  // A finding the policy blocks was seen: nothing more may go out.
  bool blocked() const { return blocked_; }
  // What the guard did, once per action and kind: "redact:email", "block:credit_card", "log:phone".
  const std::vector<std::string>& interventions() const { return interventions_; }

 private:
  std::string release(bool final);
  size_t hold_point() const;
  GuardAction action_for(privacy::Kind kind) const;
  void note(GuardAction action, privacy::Kind kind);

  const privacy::Scanner& scanner_;
  const GuardPolicy& policy_;
  std::string context_;  // the last bytes released, as they came (matches may begin there)
  std::string pending_;  // held back
  privacy::Redactor redactor_;
  bool blocked_ = false;
  std::vector<std::string> interventions_;
};

}  // namespace sy::pipeline
