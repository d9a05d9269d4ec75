#pragma once
// Prometheus metrics of the request path. Series for every configured model are made at start,
// so recording is a few relaxed atomic adds and never takes a lock.
#include <array>
#include <map>
#include <mutex>
#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ops/request_record.h"

namespace sy::ops {

// Bucket bounds: seconds for durations; tokens as OpenTelemetry's GenAI conventions advise for
// gen_ai.client.token.usage (powers of 4).
inline constexpr std::array<double, 16> kSecondsBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,   0.5,   1,      2.5,   5,    10,    30,    60};
inline constexpr std::array<double, 14> kTokenBounds = {1,      4,       16,      64,       256,      1024,     4096,
                                                       16384,  65536,   262144,  1048576,  4194304,  16777216, 67108864};

class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds = kSecondsBounds);
  void observe(double value);
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, the last for +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};  // millionths of the observed unit
};

// One operation's series under OpenTelemetry's GenAI semantic conventions, in Prometheus naming
// (gen_ai.server.request.duration -> gen_ai_server_request_duration_seconds, ...), offered beside
// switchyard's own for dashboards built on those names.
struct GenAiSeries {
  Histogram duration;
  Histogram ttft;
  Histogram input_tokens{kTokenBounds};
  Histogram output_tokens{kTokenBounds};
};

struct ModelSeries {
  static constexpr std::array<int, 16> kStatuses = {200, 400, 401, 403, 404, 405, 408, 413,
                                                    429, 431, 499, 500, 502, 503, 504, 0};
  std::array<std::atomic<uint64_t>, kStatuses.size()> requests{};  // last = any other status
  Histogram latency;
  Histogram ttft;
  std::atomic<uint64_t> upstream_errors_timeout{0};
  std::atomic<uint64_t> upstream_errors_status{0};
  std::atomic<uint64_t> upstream_errors_transport{0};
  std::atomic<uint64_t> prompt_tokens{0};
  std::atomic<uint64_t> completion_tokens{0};
  std::atomic<uint64_t> cost_micro_usd{0};
  // By gen_ai.operation.name: chat (every answer) and embeddings.
  static constexpr std::array<const char*, 2> kOperations = {"chat", "embeddings"};
  std::array<GenAiSeries, kOperations.size()> gen_ai;

  // Ratings of answers (POST /v1/feedback): how many, and their scores' sum (a rating that
  // replaces an earlier one moves the sum, not the count).
  std::atomic<uint64_t> feedback_count{0};
  std::atomic<int64_t> feedback_score_micros{0};
  void count_feedback(double score, std::optional<double> replaced);

  void count_status(int status);
  // One finished request: its status, latency, time to first token, tokens and cost.
  void observe(const RequestRecord& r);
};

class Metrics {
 public:
  // `models` are every name a client may send; anything else is counted under "".
  explicit Metrics(const std::vector<std::string>& models);

  ModelSeries& model(const std::string& name);
  // The series of one registry version of a model (made on first use; the reference stays valid).
  ModelSeries& version(const std::string& model, const std::string& version);
  // Routing decisions by route, rule and the target that answered (or "none").
  void count_route(const std::string& route, const std::string& rule, const std::string& target);
  // A finished model request's error type (a privacy refusal is "privacy_policy") and the privacy
  // kinds its scan found. Most requests have neither and return at once; the others take a lock.
  void count_outcome(const RequestRecord& r);
  std::atomic<int64_t>& in_flight() { return in_flight_; }
  std::string render(size_t open_connections) const;

 private:
  std::unordered_map<std::string, std::unique_ptr<ModelSeries>> models_;
  std::atomic<int64_t> in_flight_{0};
  mutable std::mutex routes_mu_;
  std::map<std::string, uint64_t> route_counts_;  // rendered label set -> count
  mutable std::mutex versions_mu_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<ModelSeries>> versions_;
  mutable std::mutex outcomes_mu_;
  std::map<std::string, uint64_t> error_types_;    // error type -> requests
  std::map<std::string, uint64_t> privacy_kinds_;  // kind -> requests it was found in
  std::map<std::string, uint64_t> privacy_judges_;  // line_model, or the second opinion's answer -> requests
};

}  // namespace sy::ops
