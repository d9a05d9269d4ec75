#include "ops/eval_results.h"

#include <boost/json.hpp>

namespace sy::ops {

namespace json = boost::json;

namespace {

double number_or(const json::object& o, const char* key, double fallback) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return fallback;
}

std::string string_or(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::object parse_object(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

}  // namespace

json::object to_json(const EvalRun& r) {
  return {{"dataset", r.dataset},
          {"dataset_sha256", r.dataset_sha256},
          {"items", r.items},
          {"errors", r.errors},
          {"score", r.score},
          {"pass_rate", r.pass_rate},
          {"p50_latency_ms", r.p50_latency_ms},
          {"p95_latency_ms", r.p95_latency_ms},
          {"p50_ttft_ms", r.p50_ttft_ms},
          {"p95_ttft_ms", r.p95_ttft_ms},
          {"prompt_tokens", r.prompt_tokens},
          {"completion_tokens", r.completion_tokens},
          {"cost_usd", r.cost_usd},
          {"feedback_mean", r.feedback_mean},
          {"feedback_count", r.feedback_count},
          {"ts_ms", r.ts_ms},
          {"author", r.author}};
}

std::optional<EvalRun> eval_run_from_json(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  EvalRun r;
  r.dataset_sha256 = string_or(o, "dataset_sha256");
  if (r.dataset_sha256.empty()) return std::nullopt;
  r.dataset = string_or(o, "dataset");
  r.items = static_cast<int64_t>(number_or(o, "items", 0));
  r.errors = static_cast<int64_t>(number_or(o, "errors", 0));
  r.score = number_or(o, "score", 0);
  r.pass_rate = number_or(o, "pass_rate", 0);
  r.p50_latency_ms = number_or(o, "p50_latency_ms", 0);
  r.p95_latency_ms = number_or(o, "p95_latency_ms", 0);
  r.p50_ttft_ms = number_or(o, "p50_ttft_ms", -1);
  r.p95_ttft_ms = number_or(o, "p95_ttft_ms", -1);
  r.prompt_tokens = static_cast<int64_t>(number_or(o, "prompt_tokens", 0));
  r.completion_tokens = static_cast<int64_t>(number_or(o, "completion_tokens", 0));
  r.cost_usd = number_or(o, "cost_usd", -1);
  r.feedback_mean = number_or(o, "feedback_mean", 0);
  r.feedback_count = static_cast<int64_t>(number_or(o, "feedback_count", 0));
  r.ts_ms = static_cast<int64_t>(number_or(o, "ts_ms", 0));
  r.author = string_or(o, "author");
  return r;
}

std::vector<EvalRun> eval_runs(const std::string& eval_json) {
  std::vector<EvalRun> out;
  auto o = parse_object(eval_json);
  if (const auto* runs = o.if_contains("runs"); runs && runs->is_array()) {
    for (const auto& v : runs->as_array()) {
      if (auto r = eval_run_from_json(v)) out.push_back(std::move(*r));
    }
  }
  return out;
}

std::optional<EvalRun> eval_run_for(const std::string& eval_json, const std::string& dataset_sha256) {
  for (auto& r : eval_runs(eval_json)) {
    if (r.dataset_sha256 == dataset_sha256) return std::move(r);
  }
  return std::nullopt;
}

std::string with_eval_run(const std::string& eval_json, const EvalRun& run) {
  auto o = parse_object(eval_json);
  json::array runs;
  runs.push_back(to_json(run));
  for (const auto& r : eval_runs(eval_json)) {
    if (r.dataset_sha256 != run.dataset_sha256) runs.push_back(to_json(r));
  }
  o["runs"] = std::move(runs);
  return json::serialize(o);
}

core::Status record_eval_run(store::Store& store, const std::string& model, const std::string& version, const EvalRun& run) {
  auto registry = store.load_registry();
  if (!registry) return registry.error();
  if (const auto* v = registry->find_version(model, version)) return store.set_version_eval(model, version, with_eval_run(v->eval, run));
  return core::Error::not_found("model '" + model + "' has no version '" + version + "' in the registry");
}

}  // namespace sy::ops
