// The registry's series: the generation this replica runs, and the engine of every local version
// it serves (a canary and production are both loaded), labelled by model and version.
#include <algorithm>

#include "core/metrics_text.h"
#include "providers/local/local_provider.h"
#include "serving/registry.h"

namespace sy::serving {

void Registry::render_metrics(std::string& out) const {
  core::metric_header(out, "switchyard_registry_generation", "gauge", "The registry generation this server runs.");
  core::metric_sample(out, "switchyard_registry_generation", "", static_cast<uint64_t>(std::max<int64_t>(applied_generation(), 0)));

  std::vector<std::shared_ptr<Deployment>> locals;
  for (auto& d : deployments()) {
    if (d->local) locals.push_back(std::move(d));
  }
  if (locals.empty()) return;
  auto family = [&](const char* name, const char* type, const char* help, auto value_of) {
    core::metric_header(out, name, type, help);
    for (const auto& d : locals) {
      auto engine = d->local->engine();
      out += std::string(name) + "{model=\"" + d->model + "\",version=\"" + d->version + "\"} " +
             std::to_string(engine ? value_of(*engine) : 0.0) + "\n";
    }
  };
  using E = const engine::Engine&;
  family("switchyard_local_loaded", "gauge", "Whether the model is loaded", [](E) { return 1.0; });
  family("switchyard_local_slots", "gauge", "Slots (concurrent sequences)", [](E e) { return double(e.options().slots); });
  family("switchyard_local_slots_busy", "gauge", "Slots running a request", [](E e) { return double(e.counters().busy_slots.load()); });
  family("switchyard_local_queue_depth", "gauge", "Requests waiting for a slot", [](E e) { return double(e.counters().queued.load()); });
  family("switchyard_local_queue_limit", "gauge", "Most requests that may wait", [](E e) { return double(e.queue_limit()); });
  family("switchyard_local_kv_cells_used", "gauge", "KV cache cells holding tokens", [](E e) { return double(e.counters().kv_cells_used.load()); });
  family("switchyard_local_kv_cells", "gauge", "KV cache cells in all", [](E e) { return double(e.kv_cells_total()); });
  family("switchyard_local_generated_tokens_total", "counter", "Tokens generated", [](E e) { return double(e.counters().generated_tokens.load()); });
  family("switchyard_local_prompt_tokens_total", "counter", "Prompt tokens evaluated", [](E e) { return double(e.counters().prompt_tokens.load()); });
  family("switchyard_local_cached_prompt_tokens_total", "counter", "Prompt tokens reused from a slot's KV cache", [](E e) { return double(e.counters().cached_tokens.load()); });
  family("switchyard_local_decode_seconds_total", "counter", "Time spent in llama_decode", [](E e) { return e.counters().decode_micros.load() / 1e6; });
  family("switchyard_local_tokens_per_second", "gauge", "Generated tokens per second of decode time, since start", [](E e) {
    double s = e.counters().decode_micros.load() / 1e6;
    return s > 0 ? e.counters().generated_tokens.load() / s : 0.0;
  });
  family("switchyard_local_rejected_total", "counter", "Requests refused because the queue was full", [](E e) { return double(e.counters().rejected_full.load()); });
  family("switchyard_local_ttft_seconds_sum", "counter", "Queue entry to first token, summed", [](E e) { return e.counters().ttft_micros_sum.load() / 1e6; });
  family("switchyard_local_ttft_seconds_count", "counter", "Requests that produced a first token", [](E e) { return double(e.counters().ttft_count.load()); });

  // The same engine state under the names the Kubernetes Gateway API Inference Extension's endpoint
  // picker reads by default (its model server protocol: queued requests, running requests, KV-cache
  // use as a 0..1 gauge), so switchyard pods can sit behind an InferencePool unconfigured.
  auto protocol = [&](const char* name, const char* help, auto value_of) {
    core::metric_header(out, name, "gauge", help);
    for (const auto& d : locals) {
      auto engine = d->local->engine();
      out += std::string(name) + "{model_name=\"" + d->model + "\",version=\"" + d->version + "\"} " +
             std::to_string(engine ? value_of(*engine) : 0.0) + "\n";
    }
  };
  auto kv_use = [](E e) {
    auto total = e.kv_cells_total();
    return total > 0 ? std::min(1.0, double(e.counters().kv_cells_used.load()) / double(total)) : 0.0;
  };
  protocol("vllm:num_requests_waiting", "Requests waiting for a slot (TotalQueuedRequests)", [](E e) { return double(e.counters().queued.load()); });
  protocol("vllm:num_requests_running", "Requests running in a slot (TotalRunningRequests)", [](E e) { return double(e.counters().busy_slots.load()); });
  protocol("vllm:kv_cache_usage_perc", "KV cache cells in use, 0 to 1 (KVCacheUtilization)", kv_use);
  protocol("vllm:gpu_cache_usage_perc", "KV cache cells in use, 0 to 1 (KVCacheUtilization, its earlier name)", kv_use);
}

}  // namespace sy::serving
