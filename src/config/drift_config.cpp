#include "config/drift_config.h"

#include "config/yaml_reader.h"

namespace sy::config {

namespace {

DriftThresholds parse_thresholds(const YAML::Node& node, const std::string& file) {
  YamlMap map(node, "drift.thresholds", file);
  DriftThresholds t;
  t.psi_warning = map.number("psi_warning", t.psi_warning, 0, 100);
  t.psi_drift = map.number("psi_drift", t.psi_drift, 0, 100);
  t.js_warning = map.number("js_warning", t.js_warning, 0, 1);
  t.js_drift = map.number("js_drift", t.js_drift, 0, 1);
  t.ks_warning = map.number("ks_warning", t.ks_warning, 0, 1);
  t.ks_drift = map.number("ks_drift", t.ks_drift, 0, 1);
  t.auc_warning = map.number("auc_warning", t.auc_warning, 0.5, 1);
  t.auc_drift = map.number("auc_drift", t.auc_drift, 0.5, 1);
  if (t.psi_drift < t.psi_warning) map.fail("psi_drift", "must be at least psi_warning");
  if (t.js_drift < t.js_warning) map.fail("js_drift", "must be at least js_warning");
  if (t.ks_drift > t.ks_warning) map.fail("ks_drift", "is a p-value: must be at most ks_warning");
  if (t.auc_drift < t.auc_warning) map.fail("auc_drift", "must be at least auc_warning");
  map.reject_unknown();
  return t;
}

}  // namespace

DriftConfig parse_drift(const YAML::Node& node, const std::string& file) {
  YamlMap map(node, "drift", file);
  DriftConfig d;
  d.enabled = map.boolean("enabled", d.enabled);
  d.reference = static_cast<int>(map.integer("reference", d.reference, 20, 100'000));
  d.window = static_cast<int>(map.integer("window", d.window, 20, 100'000));
  d.min_samples = static_cast<int>(map.integer("min_samples", d.min_samples, 10, 100'000));
  if (d.min_samples > d.window) map.fail("min_samples", "must be at most window");
  d.min_feedback = static_cast<int>(map.integer("min_feedback", d.min_feedback, 5, 100'000));
  d.psi_bins = static_cast<int>(map.integer("psi_bins", d.psi_bins, 2, 100));
  d.interval = map.duration("interval", d.interval);
  if (d.interval.count() < 10) map.fail("interval", "must be at least 10ms");
  if (auto t = map.node("thresholds"); t && !t.IsNull()) d.thresholds = parse_thresholds(t, file);
  d.webhook = map.string("webhook", d.webhook);
  if (!d.webhook.empty() && !d.webhook.starts_with("http://") && !d.webhook.starts_with("https://")) {
    map.fail("webhook", "must be an http:// or https:// URL");
  }
  d.webhook_timeout = map.duration("webhook_timeout", d.webhook_timeout);
  map.reject_unknown();
  return d;
}

}  // namespace sy::config
