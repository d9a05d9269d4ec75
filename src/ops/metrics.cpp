#include "ops/metrics.h"

#include "core/metrics_text.h"

#include <cstdio>

namespace sy::ops {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(value * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cumulative = 0;
  char line[256];
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < bounds_.size()) {
      std::snprintf(line, sizeof line, "%s_bucket{%s,le=\"%g\"} %llu\n", name.c_str(), labels.c_str(), bounds_[i],
                    static_cast<unsigned long long>(cumulative));
    } else {
      std::snprintf(line, sizeof line, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name.c_str(), labels.c_str(),
                    static_cast<unsigned long long>(cumulative));
    }
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name.c_str(), labels.c_str(),
                sum_micros_.load(std::memory_order_relaxed) / 1e6, name.c_str(), labels.c_str(),
                static_cast<unsigned long long>(count_.load(std::memory_order_relaxed)));
  out += line;
}

void ModelSeries::observe(const RequestRecord& r) {
  count_status(r.status);
  latency.observe(r.latency_ms / 1000);
  if (r.ttft_ms >= 0) ttft.observe(r.ttft_ms / 1000);
  prompt_tokens.fetch_add(static_cast<uint64_t>(r.prompt_tokens), std::memory_order_relaxed);
  completion_tokens.fetch_add(static_cast<uint64_t>(r.completion_tokens), std::memory_order_relaxed);
  if (r.cost_usd > 0) cost_micro_usd.fetch_add(static_cast<uint64_t>(r.cost_usd * 1e6 + 0.5), std::memory_order_relaxed);
  // The GenAI conventions describe calls that succeeded at the model; failures are in requests_total.
  if (r.status != 200) return;
  bool embeddings = r.path.ends_with("embeddings") || r.path.ends_with("/api/embed");
  auto& g = gen_ai[embeddings ? 1 : 0];
  g.duration.observe(r.latency_ms / 1000);
  if (r.ttft_ms >= 0 && !embeddings) g.ttft.observe(r.ttft_ms / 1000);
  if (r.prompt_tokens > 0) g.input_tokens.observe(static_cast<double>(r.prompt_tokens));
  if (r.completion_tokens > 0) g.output_tokens.observe(static_cast<double>(r.completion_tokens));
}

void ModelSeries::count_feedback(double score, std::optional<double> replaced) {
  if (!replaced) feedback_count.fetch_add(1, std::memory_order_relaxed);
  auto micros = [](double s) { return static_cast<int64_t>(s * 1e6 + (s < 0 ? -0.5 : 0.5)); };
  feedback_score_micros.fetch_add(micros(score) - (replaced ? micros(*replaced) : 0), std::memory_order_relaxed);
}

void ModelSeries::count_status(int status) {
  size_t i = 0;
  while (i + 1 < kStatuses.size() && kStatuses[i] != status) ++i;
  requests[i].fetch_add(1, std::memory_order_relaxed);
}

Metrics::Metrics(const std::vector<std::string>& models) {
  models_[""] = std::make_unique<ModelSeries>();
  for (const auto& m : models) models_[m] = std::make_unique<ModelSeries>();
}

ModelSeries& Metrics::model(const std::string& name) {
  auto it = models_.find(name);
  return it == models_.end() ? *models_.at("") : *it->second;
}

namespace {
void header(std::string& out, const std::string& name, const char* type, const std::string& help) {
  core::metric_header(out, name, type, help);
}
void sample(std::string& out, const std::string& name, const std::string& labels, uint64_t v) {
  core::metric_sample(out, name, labels, v);
}
}  // namespace

void Metrics::count_route(const std::string& route, const std::string& rule, const std::string& target) {
  auto labels = "route=\"" + route + "\",rule=\"" + rule + "\",target=\"" + target + "\"";
  std::lock_guard lock(routes_mu_);
  ++route_counts_[labels];
}

void Metrics::count_outcome(const RequestRecord& r) {
  if (r.error_type.empty() && r.kinds.empty() && r.privacy_judge.empty()) return;
  std::lock_guard lock(outcomes_mu_);
  if (!r.error_type.empty()) ++error_types_[r.error_type];
  for (const auto& kind : r.kinds) ++privacy_kinds_[kind];
  if (!r.privacy_judge.empty()) {
    // An error's words stay in the log; the label is only what kind of answer it was.
    ++privacy_judges_[r.privacy_judge.starts_with("failed") ? "failed" : r.privacy_judge];
  }
}

namespace {

using Labelled = std::vector<std::pair<std::string, const ModelSeries*>>;

// One family of request series (requests, latency, TTFT, upstream errors, tokens, cost) under a
// name prefix, each series with its own label set: by model, or by model and version.
void render_family(std::string& out, const std::string& prefix, const char* by, const Labelled& series) {
  auto name = [&](const char* suffix) { return prefix + suffix; };
  header(out, name("requests_total").c_str(), "counter", (std::string("Requests answered, by ") + by + " and HTTP status.").c_str());
  for (const auto& [labels, s] : series) {
    for (size_t i = 0; i < ModelSeries::kStatuses.size(); ++i) {
      auto v = s->requests[i].load(std::memory_order_relaxed);
      if (v == 0) continue;
      auto code = ModelSeries::kStatuses[i] == 0 ? std::string("other") : std::to_string(ModelSeries::kStatuses[i]);
      sample(out, name("requests_total").c_str(), labels + ",status=\"" + code + "\"", v);
    }
  }
  header(out, name("request_duration_seconds").c_str(), "histogram", "Time from request to the end of the answer.");
  for (const auto& [labels, s] : series) s->latency.render(out, name("request_duration_seconds"), labels);
  header(out, name("time_to_first_token_seconds").c_str(), "histogram",
         "Time from request to the first streamed token (whole answer when not streaming).");
  for (const auto& [labels, s] : series) s->ttft.render(out, name("time_to_first_token_seconds"), labels);
  header(out, name("upstream_errors_total").c_str(), "counter", "Failed upstream calls, by kind.");
  for (const auto& [labels, s] : series) {
    sample(out, name("upstream_errors_total").c_str(), labels + ",kind=\"timeout\"", s->upstream_errors_timeout);
    sample(out, name("upstream_errors_total").c_str(), labels + ",kind=\"status\"", s->upstream_errors_status);
    sample(out, name("upstream_errors_total").c_str(), labels + ",kind=\"transport\"", s->upstream_errors_transport);
  }
  header(out, name("tokens_total").c_str(), "counter", "Tokens reported by targets, by direction.");
  for (const auto& [labels, s] : series) {
    sample(out, name("tokens_total").c_str(), labels + ",direction=\"prompt\"", s->prompt_tokens);
    sample(out, name("tokens_total").c_str(), labels + ",direction=\"completion\"", s->completion_tokens);
  }
  header(out, name("feedback_total").c_str(), "counter", "Answers rated through /v1/feedback.");
  for (const auto& [labels, s] : series) {
    auto n = s->feedback_count.load(std::memory_order_relaxed);
    if (n > 0) sample(out, name("feedback_total").c_str(), labels, n);
  }
  header(out, name("feedback_score_sum").c_str(), "gauge", "Sum of the ratings' scores (-1..1 each); divide by feedback_total.");
  for (const auto& [labels, s] : series) {
    if (s->feedback_count.load(std::memory_order_relaxed) == 0) continue;
    char value[32];
    std::snprintf(value, sizeof value, "%.6f", static_cast<double>(s->feedback_score_micros.load(std::memory_order_relaxed)) / 1e6);
    out += name("feedback_score_sum") + "{" + labels + "} " + value + "\n";
  }
  header(out, name("cost_usd_total").c_str(), "counter",
         "Cost of answers: cloud from provider usage x data/prices.yaml, local from the local_cost model.");
  for (const auto& [labels, s] : series) {
    auto micros = s->cost_micro_usd.load(std::memory_order_relaxed);
    if (micros == 0) continue;
    char value[32];
    std::snprintf(value, sizeof value, "%.6f", static_cast<double>(micros) / 1e6);
    out += name("cost_usd_total") + "{" + labels + "} " + value + "\n";
  }
}

// The same requests under OpenTelemetry's GenAI names (gen_ai.request.model: the model asked for).
void render_gen_ai(std::string& out, const std::vector<std::pair<std::string, const ModelSeries*>>& by_model) {
  auto labels_of = [](const std::string& model, size_t op) {
    return "gen_ai_operation_name=\"" + std::string(ModelSeries::kOperations[op]) + "\",gen_ai_request_model=\"" + model + "\"";
  };
  header(out, "gen_ai_server_request_duration_seconds", "histogram", "GenAI server request duration (OpenTelemetry gen_ai.server.request.duration).");
  for (const auto& [model, s] : by_model) {
    for (size_t op = 0; op < ModelSeries::kOperations.size(); ++op) s->gen_ai[op].duration.render(out, "gen_ai_server_request_duration_seconds", labels_of(model, op));
  }
  header(out, "gen_ai_server_time_to_first_token_seconds", "histogram",
         "Time to generate the first token (OpenTelemetry gen_ai.server.time_to_first_token).");
  for (const auto& [model, s] : by_model) s->gen_ai[0].ttft.render(out, "gen_ai_server_time_to_first_token_seconds", labels_of(model, 0));
  header(out, "gen_ai_client_token_usage", "histogram", "Tokens used per request, by type (OpenTelemetry gen_ai.client.token.usage).");
  for (const auto& [model, s] : by_model) {
    for (size_t op = 0; op < ModelSeries::kOperations.size(); ++op) {
      s->gen_ai[op].input_tokens.render(out, "gen_ai_client_token_usage", labels_of(model, op) + ",gen_ai_token_type=\"input\"");
      s->gen_ai[op].output_tokens.render(out, "gen_ai_client_token_usage", labels_of(model, op) + ",gen_ai_token_type=\"output\"");
    }
  }
}

}  // namespace

ModelSeries& Metrics::version(const std::string& model, const std::string& version) {
  std::lock_guard lock(versions_mu_);
  auto& slot = versions_[{model, version}];
  if (!slot) slot = std::make_unique<ModelSeries>();
  return *slot;
}

std::string Metrics::render(size_t open_connections) const {
  std::string out;
  out.reserve(16384);
  header(out, "switchyard_route_decisions_total", "counter", "Routed requests by route, rule and the target that answered.");
  {
    std::lock_guard lock(routes_mu_);
    for (const auto& [labels, n] : route_counts_) sample(out, "switchyard_route_decisions_total", labels, n);
  }
  Labelled by_model;
  for (const auto& [name, s] : models_) by_model.emplace_back("model=\"" + name + "\"", s.get());
  render_family(out, "switchyard_", "the model asked for", by_model);
  std::vector<std::pair<std::string, const ModelSeries*>> gen_ai_models;
  for (const auto& [name, s] : models_) gen_ai_models.emplace_back(name, s.get());
  render_gen_ai(out, gen_ai_models);
  Labelled by_version;
  {
    std::lock_guard lock(versions_mu_);
    for (const auto& [key, s] : versions_) {
      by_version.emplace_back("model=\"" + key.first + "\",version=\"" + key.second + "\"", s.get());
    }
  }
  render_family(out, "switchyard_version_", "the model and version that answered", by_version);
  {
    std::lock_guard lock(outcomes_mu_);
    header(out, "switchyard_errors_total", "counter", "Model requests that ended in an error, by error type (privacy_policy: refused as sensitive).");
    for (const auto& [type, n] : error_types_) sample(out, "switchyard_errors_total", "type=\"" + type + "\"", n);
    header(out, "switchyard_privacy_findings_total", "counter", "Model requests in which the privacy scan found a kind of personal data or secret, by kind.");
    for (const auto& [kind, n] : privacy_kinds_) sample(out, "switchyard_privacy_findings_total", "kind=\"" + kind + "\"", n);
    header(out, "switchyard_privacy_model_verdicts_total", "counter",
           "Model requests no privacy rule flagged that the line model called sensitive (line_model), or that privacy.classifier was asked about, by its answer (yes, no, timed out, failed).");
    for (const auto& [judge, n] : privacy_judges_) sample(out, "switchyard_privacy_model_verdicts_total", "judge=\"" + judge + "\"", n);
  }
  header(out, "switchyard_requests_in_flight", "gauge", "Requests being answered now.");
  out += "switchyard_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  header(out, "switchyard_open_connections", "gauge", "Client connections open now.");
  out += "switchyard_open_connections " + std::to_string(open_connections) + "\n";
  return out;
}

}  // namespace sy::ops
