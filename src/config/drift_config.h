#pragma once
// `drift:` — drift detection on live traffic (ops/drift). Defaults and the reasons for them are in
// docs/configuration.md and bench/drift_bench.md.
#include <chrono>
#include <string>

namespace YAML {
class Node;
}

namespace sy::config {

// A signal is `warning` past the first threshold and `drift` past the second. For PSI, JS
// distance and AUC "past" means above; for the KS p-value, below.
struct DriftThresholds {
  double psi_warning = 0.1;    // Evidently's PSI threshold
  double psi_drift = 0.2;      // the usual "significant shift" band
  double js_warning = 0.1;     // Evidently's Jensen–Shannon distance threshold
  double js_drift = 0.2;
  double ks_warning = 0.05;    // Evidently's KS p-value
  double ks_drift = 0.01;
  // Evidently's text domain classifier uses 0.55; judged every few seconds on 500 a side, its
  // noise crossed that in a third of stationary runs (bench/drift_bench.md): one step stricter.
  double auc_warning = 0.6;
  double auc_drift = 0.65;
};

struct DriftConfig {
  bool enabled = true;
  int reference = 500;         // a version's first N requests are its reference
  int window = 500;            // the last N requests are compared with it
  int min_samples = 200;       // fewer (in the window, or of a signal) = still collecting
  int min_feedback = 50;       // ratings on each side before feedback is judged (they are sparse)
  int psi_bins = 5;            // PSI's bins: the reference's quantiles (quintiles: see bench/drift_bench.md)
  std::chrono::milliseconds interval{5'000};  // how often the statistics are computed
  DriftThresholds thresholds;
  std::string webhook;         // POSTed on every state change; empty = none
  std::chrono::milliseconds webhook_timeout{5'000};
};

// Throws ConfigError (config/yaml_reader.h) naming the key and line.
DriftConfig parse_drift(const YAML::Node& node, const std::string& file);

}  // namespace sy::config
