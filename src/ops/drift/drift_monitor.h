#pragma once
// Drift on live traffic, per route, model and version. The request path hands each finished
// request's Sample to observe() (constant work: a lookup and a copy into a ring, under that
// series' lock); evaluate() computes the statistics off the request path (a timer, or a read) and
// reports each change of a series' state to the listener (the webhook).
//
// Each series keeps its reference (the version's first `reference` requests, or a window pinned
// with pin_reference) and its current window (the last `window` requests after the reference).
// Everything is in memory, per process: a restart starts every reference again.
//
// The query API the canary analysis and /admin/drift call: status() and report().
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "config/drift_config.h"
#include "ops/drift/drift_evaluate.h"

namespace sy::ops::drift {

// The model and version of a route's own series: every request of the route, whatever answered it.
inline constexpr std::string_view kAnyTarget = "*";

struct SeriesKey {
  std::string_view route;    // what the client asked for (a route, or a model called directly)
  std::string_view model;    // the target that answered, or kAnyTarget
  std::string_view version;  // its registry version, or kAnyTarget
};

struct SeriesStatus {
  std::string route, model, version;
  State state = State::collecting;
  int64_t seen = 0;            // requests observed
  int64_t reference_n = 0;     // in the reference (complete at config.reference)
  int64_t window_n = 0;        // in the current window
  int64_t feedback_n = 0;      // ratings observed
  bool pinned = false;         // the reference was pinned by hand
  int64_t evaluated_ms = 0;    // Unix ms of the evaluation these numbers come from; 0 = never
  std::vector<SignalStatus> signals;
  const SignalStatus* signal(Signal s) const;
};

// A series' state changed (collecting → ok is not a change: nothing was known before).
struct StateChange {
  SeriesStatus status;
  State from = State::ok;
};

class DriftMonitor {
 public:
  // `topics`: the FAQ's topic names; a Sample's topic indexes them from 1 (0 = no match).
  DriftMonitor(config::DriftConfig config, std::vector<std::string> topics);
  ~DriftMonitor();
  DriftMonitor(const DriftMonitor&) = delete;
  DriftMonitor& operator=(const DriftMonitor&) = delete;

  const config::DriftConfig& config() const { return config_; }
  const std::vector<std::string>& topics() const { return topics_; }

  // The request path. `rule`: the routing rule that chose the target (the route mix).
  void observe(const SeriesKey& key, Sample sample, std::string_view rule);
  // A rating of one of this series' answers (POST /v1/feedback).
  void observe_feedback(const SeriesKey& key, double score);

  // Recomputes every series that saw something since its last evaluation, reports changes to the
  // listener (outside any lock), and returns them.
  std::vector<StateChange> evaluate();
  // The last evaluation of one series, evaluated now if it saw requests since; none when the
  // series has seen no request (or feedback).
  std::optional<SeriesStatus> status(std::string_view route, std::string_view model, std::string_view version);
  // Every series, freshly evaluated, ordered by route, model and version.
  std::vector<SeriesStatus> report();

  // The current window becomes the reference (a "pinned period"); false when the series is unknown
  // or its window is below min_samples.
  bool pin_reference(std::string_view route, std::string_view model, std::string_view version);
  // Forgets both windows: the next `reference` requests form a new reference.
  bool reset(std::string_view route, std::string_view model, std::string_view version);

  void on_change(std::function<void(const StateChange&)> listener);
  // evaluate() every config.interval on a thread of its own, until stop() or destruction.
  void start_timer();
  void stop();

  // switchyard_drift_* series (from the last evaluation; reading them computes nothing).
  void render_metrics(std::string& out) const;

 private:
  struct Series;
  using Key = std::tuple<std::string, std::string, std::string>;
  using KeyView = std::tuple<std::string_view, std::string_view, std::string_view>;
  // Finds a series by views, without building three strings per request. Compares views on both
  // sides: tuple<string> against tuple<string_view> is not comparable with every standard library
  // (clang's build of the fuzzers rejects it).
  struct KeyLess {
    using is_transparent = void;
    static KeyView view(const Key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
    static KeyView view(const KeyView& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const { return view(a) < view(b); }
  };
  Series* find_or_add(const SeriesKey& key);
  Series* find(std::string_view route, std::string_view model, std::string_view version) const;
  std::optional<StateChange> evaluate_one(const Key& key, Series& series, bool force);
  uint8_t rule_index(std::string_view rule);

  config::DriftConfig config_;
  std::vector<std::string> topics_;
  mutable std::shared_mutex map_mutex_;
  std::map<Key, std::unique_ptr<Series>, KeyLess> series_;
  std::mutex rules_mutex_;
  std::vector<std::string> rules_;  // index 0 = other
  std::mutex listener_mutex_;
  std::function<void(const StateChange&)> listener_;
  std::mutex evaluate_mutex_;       // one evaluation at a time (timer and readers)
  std::mutex timer_mutex_;
  std::condition_variable timer_cv_;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace sy::ops::drift
