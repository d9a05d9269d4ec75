#include "ops/drift/drift_monitor.h"

#include <algorithm>

#include "core/metrics_text.h"
#include "ops/utc_time.h"

namespace sy::ops::drift {

namespace {

bool is_change(State from, State to) {
  if (to == from || to == State::collecting) return false;
  return !(from == State::collecting && to == State::ok);
}

// A ring of the last `capacity` values, oldest first when read.
template <class T>
struct Ring {
  std::vector<T> slots;
  size_t head = 0;
  size_t count = 0;
  explicit Ring(size_t capacity) : slots(capacity) {}
  void push(const T& v) {
    slots[head] = v;
    head = (head + 1) % slots.size();
    count = std::min(count + 1, slots.size());
  }
  std::vector<T> in_order() const {
    std::vector<T> out;
    out.reserve(count);
    size_t start = (head + slots.size() - count) % slots.size();
    for (size_t i = 0; i < count; ++i) out.push_back(slots[(start + i) % slots.size()]);
    return out;
  }
  void clear() { head = count = 0; }
};

void escape_label(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
}

std::string series_labels(const SeriesStatus& s) {
  std::string l = "route=\"";
  escape_label(l, s.route);
  l.append("\",model=\"");
  escape_label(l, s.model);
  l.append("\",version=\"");
  escape_label(l, s.version);
  l.append("\"");
  return l;
}

}  // namespace

struct DriftMonitor::Series {
  explicit Series(const config::DriftConfig& c)
      : window(static_cast<size_t>(c.window)), feedback(static_cast<size_t>(c.window)) {
    reference.reserve(static_cast<size_t>(c.reference));
    reference_feedback.reserve(static_cast<size_t>(c.reference));
  }
  mutable std::mutex mutex;
  std::vector<Sample> reference;
  Ring<Sample> window;
  std::vector<float> reference_feedback;
  Ring<float> feedback;
  int64_t seen = 0;
  int64_t feedback_seen = 0;
  bool pinned = false;
  uint64_t changes = 0;            // observations since the series began
  uint64_t evaluated_changes = ~uint64_t{0};
  uint64_t state_changes = 0;      // for switchyard_drift_state_changes_total
  SeriesStatus last;
};

const SignalStatus* SeriesStatus::signal(Signal s) const {
  for (const auto& x : signals) {
    if (x.signal == s) return &x;
  }
  return nullptr;
}

DriftMonitor::DriftMonitor(config::DriftConfig config, std::vector<std::string> topics)
    : config_(std::move(config)), topics_(std::move(topics)) {
  rules_.push_back("other");
}

DriftMonitor::~DriftMonitor() { stop(); }

DriftMonitor::Series* DriftMonitor::find(std::string_view route, std::string_view model, std::string_view version) const {
  std::shared_lock lock(map_mutex_);
  auto it = series_.find(KeyView{route, model, version});
  return it == series_.end() ? nullptr : it->second.get();
}

DriftMonitor::Series* DriftMonitor::find_or_add(const SeriesKey& key) {
  if (auto* s = find(key.route, key.model, key.version)) return s;
  std::unique_lock lock(map_mutex_);
  auto [it, added] = series_.try_emplace(Key{std::string(key.route), std::string(key.model), std::string(key.version)});
  if (added) {
    it->second = std::make_unique<Series>(config_);
    it->second->last.route = key.route;
    it->second->last.model = key.model;
    it->second->last.version = key.version;
  }
  return it->second.get();
}

uint8_t DriftMonitor::rule_index(std::string_view rule) {
  std::lock_guard lock(rules_mutex_);
  for (size_t i = 1; i < rules_.size(); ++i) {
    if (rules_[i] == rule) return static_cast<uint8_t>(i);
  }
  if (rules_.size() >= kMaxRules || rule.empty()) return 0;
  rules_.emplace_back(rule);
  return static_cast<uint8_t>(rules_.size() - 1);
}

void DriftMonitor::observe(const SeriesKey& key, Sample sample, std::string_view rule) {
  sample.rule = rule_index(rule);
  sample.topic = std::min<uint8_t>(sample.topic, kMaxTopics - 1);
  auto* s = find_or_add(key);
  std::lock_guard lock(s->mutex);
  ++s->seen;
  ++s->changes;
  if (!s->pinned && s->reference.size() < static_cast<size_t>(config_.reference)) s->reference.push_back(sample);
  else s->window.push(sample);
}

void DriftMonitor::observe_feedback(const SeriesKey& key, double score) {
  auto* s = find_or_add(key);
  std::lock_guard lock(s->mutex);
  ++s->feedback_seen;
  ++s->changes;
  // Ratings are sparse: those that come while the requests' reference is being collected are the
  // feedback's reference (up to `reference` of them); later ones go to the window.
  bool collecting = !s->pinned && s->reference.size() < static_cast<size_t>(config_.reference);
  if (collecting && s->reference_feedback.size() < static_cast<size_t>(config_.reference)) {
    s->reference_feedback.push_back(static_cast<float>(score));
  } else if (!collecting) {
    s->feedback.push(static_cast<float>(score));
  }
}

std::optional<StateChange> DriftMonitor::evaluate_one(const Key&, Series& series, bool force) {
  Samples copy;
  bool complete = false;
  {
    std::lock_guard lock(series.mutex);
    if (!force && series.changes == series.evaluated_changes) return std::nullopt;
    series.evaluated_changes = series.changes;
    copy.reference = series.reference;
    copy.current = series.window.in_order();
    copy.reference_feedback = series.reference_feedback;
    copy.current_feedback = series.feedback.in_order();
    complete = series.pinned || series.reference.size() >= static_cast<size_t>(config_.reference);
  }
  // The statistics, with no lock held: requests of this series go on meanwhile.
  auto signals = drift::evaluate(copy, complete, config_);
  auto state = overall(signals);
  std::lock_guard lock(series.mutex);
  auto& st = series.last;
  State from = st.state;
  st.state = state;
  st.signals = std::move(signals);
  st.seen = series.seen;
  st.reference_n = static_cast<int64_t>(series.reference.size());
  st.window_n = static_cast<int64_t>(series.window.count);
  st.feedback_n = series.feedback_seen;
  st.pinned = series.pinned;
  st.evaluated_ms = now_ms();
  if (!is_change(from, state)) return std::nullopt;
  ++series.state_changes;
  return StateChange{st, from};
}

std::vector<StateChange> DriftMonitor::evaluate() {
  std::vector<StateChange> changes;
  {
    std::lock_guard one_at_a_time(evaluate_mutex_);
    std::vector<std::pair<Key, Series*>> all;
    {
      std::shared_lock lock(map_mutex_);
      for (auto& [k, s] : series_) all.emplace_back(k, s.get());
    }
    for (auto& [k, s] : all) {
      if (auto c = evaluate_one(k, *s, false)) changes.push_back(std::move(*c));
    }
  }
  std::function<void(const StateChange&)> listener;
  {
    std::lock_guard lock(listener_mutex_);
    listener = listener_;
  }
  if (listener) {
    for (const auto& c : changes) listener(c);
  }
  return changes;
}

std::optional<SeriesStatus> DriftMonitor::status(std::string_view route, std::string_view model, std::string_view version) {
  // Evaluating one series alone could report its change to nobody: every series is brought up to date.
  evaluate();
  auto* s = find(route, model, version);
  if (!s) return std::nullopt;
  std::lock_guard lock(s->mutex);
  return s->last;
}

std::vector<SeriesStatus> DriftMonitor::report() {
  evaluate();
  std::vector<SeriesStatus> out;
  std::shared_lock lock(map_mutex_);
  for (auto& [k, s] : series_) {
    std::lock_guard series_lock(s->mutex);
    out.push_back(s->last);
  }
  return out;
}

bool DriftMonitor::pin_reference(std::string_view route, std::string_view model, std::string_view version) {
  auto* s = find(route, model, version);
  if (!s) return false;
  std::lock_guard lock(s->mutex);
  if (s->window.count < static_cast<size_t>(config_.min_samples)) return false;
  s->reference = s->window.in_order();
  s->reference.reserve(static_cast<size_t>(config_.reference));
  s->window.clear();
  if (s->feedback.count > 0) {
    s->reference_feedback = s->feedback.in_order();
    s->feedback.clear();
  }
  // A pinned reference may hold fewer than `reference` samples: it counts as complete, and later
  // requests go to the window, never into it.
  s->pinned = true;
  ++s->changes;
  return true;
}

bool DriftMonitor::reset(std::string_view route, std::string_view model, std::string_view version) {
  auto* s = find(route, model, version);
  if (!s) return false;
  std::lock_guard lock(s->mutex);
  s->reference.clear();
  s->reference_feedback.clear();
  s->window.clear();
  s->feedback.clear();
  s->pinned = false;
  ++s->changes;
  return true;
}

void DriftMonitor::on_change(std::function<void(const StateChange&)> listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void DriftMonitor::start_timer() {
  if (timer_.joinable()) return;
  timer_ = std::thread([this] {
    std::unique_lock lock(timer_mutex_);
    while (!timer_cv_.wait_for(lock, config_.interval, [this] { return stopping_; })) {
      lock.unlock();
      evaluate();
      lock.lock();
    }
  });
}

void DriftMonitor::stop() {
  {
    std::lock_guard lock(timer_mutex_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
}

void DriftMonitor::render_metrics(std::string& out) const {
  std::vector<std::pair<SeriesStatus, uint64_t>> all;
  {
    std::shared_lock lock(map_mutex_);
    for (const auto& [k, s] : series_) {
      std::lock_guard series_lock(s->mutex);
      all.emplace_back(s->last, s->state_changes);
    }
  }
  using core::metric_header;
  using core::metric_sample;
  metric_header(out, "switchyard_drift_state", "gauge",
                "Drift state per route, model and version: 0 collecting, 1 ok, 2 warning, 3 drift");
  for (const auto& [s, n] : all) metric_sample(out, "switchyard_drift_state", series_labels(s), static_cast<uint64_t>(s.state));
  metric_header(out, "switchyard_drift_samples", "gauge", "Requests in the reference and in the current window");
  for (const auto& [s, n] : all) {
    auto l = series_labels(s);
    metric_sample(out, "switchyard_drift_samples", l + ",window=\"reference\"", static_cast<uint64_t>(s.reference_n));
    metric_sample(out, "switchyard_drift_samples", l + ",window=\"current\"", static_cast<uint64_t>(s.window_n));
  }
  metric_header(out, "switchyard_drift_state_changes_total", "counter", "Changes of the drift state (each one a webhook call)");
  for (const auto& [s, n] : all) metric_sample(out, "switchyard_drift_state_changes_total", series_labels(s), n);
  metric_header(out, "switchyard_drift_statistic", "gauge",
                "Each signal's drift statistic (PSI, Jensen-Shannon distance, KS p-value or ROC AUC) at the last evaluation");
  for (const auto& [s, n] : all) {
    auto l = series_labels(s);
    for (const auto& sig : s.signals) {
      if (sig.state == State::collecting) continue;
      metric_sample(out, "switchyard_drift_statistic",
                    l + ",signal=\"" + std::string(sig.name) + "\",statistic=\"" + std::string(to_string(sig.statistic)) + "\"",
                    sig.value);
    }
  }
  metric_header(out, "switchyard_drift_signal_state", "gauge", "Each signal's drift state: 0 collecting, 1 ok, 2 warning, 3 drift");
  for (const auto& [s, n] : all) {
    auto l = series_labels(s);
    for (const auto& sig : s.signals) {
      metric_sample(out, "switchyard_drift_signal_state", l + ",signal=\"" + std::string(sig.name) + "\"",
                    static_cast<uint64_t>(sig.state));
    }
  }
}

}  // namespace sy::ops::drift
