#pragma once
// The signals drift is watched on, each with the one statistic it is judged by, and what a request
// contributes to them (a Sample: numbers, small category indices and hashed terms, never text).
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "ops/drift/text_features.h"

namespace sy::ops::drift {

enum class Statistic { psi, js_distance, ks, auc };
std::string_view to_string(Statistic s);

enum class Signal : uint8_t {
  prompt_tokens,   // PSI over the reference's deciles
  script_mix,      // JS: the prompt's main script
  faq_topic,       // JS: the topic of the FAQ matcher's best entry ("none" below the match level)
  faq_score,       // PSI: the FAQ matcher's best score
  domain,          // AUC: a naive-Bayes classifier of hashed terms telling current from reference
  answer_tokens,   // PSI
  refusal_rate,    // JS over {refused, not}
  empty_rate,      // JS over {empty, not}
  latency_ms,      // PSI
  ttft_ms,         // PSI (streams and local answers; absent where there is no first token)
  privacy_rate,    // JS over {findings, none}
  route_mix,       // JS: the routing rule that chose the target
  feedback_score,  // KS: the ratings (-1..1) of this version's answers
};
inline constexpr size_t kSignals = 13;

struct SignalInfo {
  Signal signal;
  std::string_view name;
  Statistic statistic;
};
const std::array<SignalInfo, kSignals>& signals();

enum class State : uint8_t { collecting, ok, warning, drift };
std::string_view to_string(State s);

inline constexpr size_t kMaxTopics = 64;  // index 0 = none; more topics than this fold into the last
inline constexpr size_t kMaxRules = 32;   // index 0 = other; rules past the first 31 fold into it

inline constexpr float kAbsent = std::numeric_limits<float>::quiet_NaN();

// One request, as drift sees it. Fixed size: observing one copies it into a ring.
struct Sample {
  float prompt_tokens = kAbsent;
  float faq_score = kAbsent;
  float answer_tokens = kAbsent;
  float latency_ms = kAbsent;
  float ttft_ms = kAbsent;
  uint8_t topic = 0;
  uint8_t rule = 0;        // set by the monitor from the rule's name
  bool refusal = false;
  bool empty = false;
  bool privacy = false;
  TextFeatures text;       // script and hashed terms of the prompt
};

inline bool present(float v) { return !std::isnan(v); }

}  // namespace sy::ops::drift
