#pragma once
// Drift's view of each answered request, taken at the end of the chain from the request state:
// what the route stage measured (estimated prompt tokens, the FAQ match), the prompt's script and
// hashed terms (ops/drift/text_features: derived features only, never text), the answer's length,
// whether it was empty or reads as a refusal (its first bytes are looked at on their way out, and
// not kept), latency and time to first token as the account stage settled them, and whether the
// privacy scan found anything. One Sample per request to the DriftMonitor; the statistics are
// computed off the request path (the monitor's timer, or a read).
//
// Counted: requests a target answered or was tried for (not dry runs, not cache hits, which no
// target answered).
#include "ops/drift/drift_monitor.h"
#include "pipeline/drift/drift_topics.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

// What the answer path showed: whether any text or tool call came, and the text's first bytes.
struct AnswerHead {
  std::array<char, ops::drift::kRefusalWindow> bytes{};
  size_t size = 0;
  bool content = false;
  std::string_view text() const { return {bytes.data(), size}; }
};

class DriftStage final : public Stage {
 public:
  DriftStage(ops::drift::DriftMonitor& monitor, const router::FaqMatcher* faq, double topic_min_score);
  std::string_view name() const override { return "drift"; }
  FilterPtr start(RequestState& state) const override;

  // The request's Sample (also for tests), and handing it to the monitor.
  ops::drift::Sample sample_of(const RequestState& s, const AnswerHead& answer) const;
  void observe(const RequestState& s, const AnswerHead& answer) const;

 private:
  ops::drift::DriftMonitor& monitor_;
  DriftTopics topics_;
};

}  // namespace sy::pipeline
