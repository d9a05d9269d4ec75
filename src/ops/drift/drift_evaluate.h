#pragma once
// Drift of one series (a route, model and version): its reference (the version's first requests,
// or a pinned window) against its current window, signal by signal. Pure: it reads copies of the
// samples, made under the series' lock, so the work here never holds up a request.
#include <string>
#include <vector>

#include "config/drift_config.h"
#include "ops/drift/drift_signals.h"

namespace sy::ops::drift {

struct SignalStatus {
  Signal signal{};
  std::string_view name;
  Statistic statistic{};
  double value = 0;        // the statistic (for KS, its p-value; `ks_d` holds D)
  double ks_d = 0;
  double warning = 0;      // the thresholds it is judged by
  double drift = 0;
  State state = State::collecting;
  int64_t reference_n = 0; // samples of this signal on each side
  int64_t current_n = 0;
};

struct Samples {
  std::vector<Sample> reference;
  std::vector<Sample> current;
  std::vector<float> reference_feedback;
  std::vector<float> current_feedback;
};

// Every signal's status, in signals() order. `reference_complete`: the reference has its N
// samples; until then every signal is collecting.
std::vector<SignalStatus> evaluate(const Samples& s, bool reference_complete, const config::DriftConfig& config);

// The series' state: the worst signal's, collecting only when no signal has enough samples.
State overall(const std::vector<SignalStatus>& signals);

// The domain classifier's ROC AUC alone (tests, the bench): multinomial naive Bayes over the
// hashed terms, trained on one half of each side and scored on the other, both ways round.
double domain_auc(const std::vector<Sample>& reference, const std::vector<Sample>& current);

}  // namespace sy::ops::drift
