#pragma once
// A version's evaluation results, kept with the version in the registry (ModelVersion::eval, a
// JSON object): {"runs": [run, ...]}, the latest run per dataset content. `switchyard eval`
// records them; the eval gates (ops/eval_gate) and GET /admin/models read them. Fields of the
// object other than "runs" (an operator's own `models add --eval` JSON) are kept as they are.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace sy::ops {

struct EvalRun {
  std::string dataset;            // the file as it was given
  std::string dataset_sha256;     // its content: what a gate matches
  int64_t items = 0;
  int64_t errors = 0;             // items whose request failed (they score 0)
  double score = 0;               // mean item score, 0..1
  double pass_rate = 0;           // share of items that passed every check
  double p50_latency_ms = 0;
  double p95_latency_ms = 0;
  double p50_ttft_ms = -1;        // < 0 = no streamed answer measured
  double p95_ttft_ms = -1;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double cost_usd = -1;           // < 0 = unknown (no store to read the audit's costs from)
  double feedback_mean = 0;       // the version's client feedback at the time, -1..1
  int64_t feedback_count = 0;
  int64_t ts_ms = 0;
  std::string author;
};

boost::json::object to_json(const EvalRun& run);
std::optional<EvalRun> eval_run_from_json(const boost::json::value& v);

// Every run stored in a version's eval text ("" or text that is not a JSON object: none).
std::vector<EvalRun> eval_runs(const std::string& eval_json);
// The run on this dataset content, if any.
std::optional<EvalRun> eval_run_for(const std::string& eval_json, const std::string& dataset_sha256);
// `eval_json` with `run` in it, replacing an earlier run on the same dataset content.
std::string with_eval_run(const std::string& eval_json, const EvalRun& run);
// Stores `run` with the version (404 when the version is unknown).
core::Status record_eval_run(store::Store& store, const std::string& model, const std::string& version, const EvalRun& run);

}  // namespace sy::ops
