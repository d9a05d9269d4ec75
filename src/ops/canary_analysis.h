#pragma once
// Automatic canary analysis: the canary version against production, over the requests each
// answered since the canary began, read from the audit chain (so every replica's traffic counts)
// and the feedback table. judge_canary() says wait, promote or roll back, with its reasons.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace sy::ops {

struct VersionStats {
  std::string version;
  int64_t requests = 0;
  int64_t errors = 0;             // answered 5xx (the version failed), not a client's mistake
  int64_t refusals = 0;           // blocked by the output guard
  double p95_latency_ms = 0;
  double p95_ttft_ms = -1;        // < 0 = no streamed answer
  int64_t feedback_count = 0;
  double feedback_mean = 0;
  double error_rate() const { return requests ? double(errors) / double(requests) : 0; }
  double refusal_rate() const { return requests ? double(refusals) / double(requests) : 0; }
};

struct CanaryComparison {
  std::string model;
  VersionStats canary;
  VersionStats production;
  int64_t since_ms = 0;
  std::string drift_state;        // the canary's drift state, when a server was asked; "" = unknown
};

// Requests `model` answered with either version since `since_ms`, from the audit chain.
core::Result<CanaryComparison> compare_canary(store::Store& store, const std::string& model, const std::string& canary_version,
                                              const std::string& production_version, int64_t since_ms);

struct CanaryPolicy {
  int64_t min_requests = 50;                        // on the canary, before a verdict
  std::chrono::milliseconds min_duration{60'000};
  std::chrono::milliseconds max_duration{30 * 60'000};  // still short of evidence by then: roll back
  double max_error_rate_increase = 0.02;            // canary error rate - production's
  double max_latency_ratio = 1.5;                   // canary p95 / production p95
  double max_ttft_ratio = 1.5;
  // Slower only counts past this many ms as well: at a few ms, a ratio over a dozen samples is
  // the machine's noise, not the version's.
  double min_latency_increase_ms = 50;
  double max_refusal_rate_increase = 0.05;
  double max_feedback_drop = 0.2;                   // on the -1..1 scale
  int64_t min_feedback = 5;                         // ratings on each side before feedback counts
  // A canary failing this badly is rolled back before min_requests: at least this many errors
  // and more than half its requests.
  int64_t fast_fail_errors = 5;
};

enum class CanaryCall { wait, promote, rollback };
std::string_view to_string(CanaryCall call);

struct CanaryVerdict {
  CanaryCall call = CanaryCall::wait;
  std::vector<std::string> reasons;  // why (each comparison with its numbers), or what it waits for
  std::string summary() const;
};

CanaryVerdict judge_canary(const CanaryComparison& c, const CanaryPolicy& policy, std::chrono::milliseconds elapsed);

boost::json::object to_json(const CanaryComparison& c);
// The comparison as a small table, for `models canary status` and the watch's progress.
std::string format_comparison(const CanaryComparison& c);

}  // namespace sy::ops
