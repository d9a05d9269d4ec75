// Endpoints that only local models answer: /v1/embeddings, and loading or unloading a model while
// the server runs (/admin/models/{name}/load|unload).
#include <thread>

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "api/exchange.h"
#include "api/gateway.h"
#include "api/off_thread.h"
#include "providers/local/local_provider.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

constexpr size_t kMaxEmbeddingInputs = 2048;

struct EmbeddingsRequest {
  std::string model;
  std::vector<std::string> inputs;
  bool base64 = false;
};

core::Result<EmbeddingsRequest> parse_embeddings(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error::invalid_request("The body must be a JSON object.");
  const auto& o = v.as_object();
  EmbeddingsRequest r;
  auto* model = o.if_contains("model");
  if (!model || !model->is_string()) return Error::invalid_request("'model' is required and must be a string.", "model");
  r.model = model->as_string();
  auto* input = o.if_contains("input");
  if (input && input->is_string()) {
    r.inputs.emplace_back(input->as_string());
  } else if (input && input->is_array() && !input->as_array().empty()) {
    for (const auto& item : input->as_array()) {
      if (!item.is_string()) return Error::invalid_request("'input' must be a string or an array of strings (token arrays are not accepted).", "input");
      r.inputs.emplace_back(item.as_string());
    }
  } else {
    return Error::invalid_request("'input' is required: a string or a non-empty array of strings.", "input");
  }
  if (r.inputs.size() > kMaxEmbeddingInputs) return Error::invalid_request("'input' may hold at most 2048 strings.", "input");
  for (const auto& s : r.inputs) {
    if (s.empty()) return Error::invalid_request("'input' may not contain empty strings.", "input");
  }
  if (auto* f = o.if_contains("encoding_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->as_string() != "float" && f->as_string() != "base64")) {
      return Error::invalid_request("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
    }
    r.base64 = f->as_string() == "base64";
  }
  if (auto* d = o.if_contains("dimensions"); d && !d->is_null()) {
    return Error::invalid_request("'dimensions' is not supported by local models.", "dimensions");
  }
  return r;
}

// OpenAI's base64 form: the float32 values, little-endian, base64-encoded.
std::string base64_floats(const std::vector<float>& v) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(v.data());
  int n = static_cast<int>(v.size() * sizeof(float));
  std::string out(static_cast<size_t>(4 * ((n + 2) / 3)), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, n);
  out.resize(static_cast<size_t>(written));
  return out;
}

}  // namespace

http::awaitable<void> Gateway::serve_embeddings(Exchange& ex) {
  if (auto v = auth_->on_request(ex.ctx); !v) {
    co_await ex.send_error(v.error());
    co_return;
  }
  auto req = parse_embeddings(ex.request.body());
  if (!req) {
    co_await ex.send_error(req.error());
    co_return;
  }
  ex.record.model = req->model;
  if (!ex.ctx.principal.may_use(req->model)) {
    auto e = Error::permission("This key may not use model '" + req->model + "'.");
    co_await ex.send_error(e);
    co_return;
  }
  auto* local = local_provider(req->model);
  if (!local) {
    auto e = config_->find_model(req->model)
                 ? Error::invalid_request("Model '" + req->model + "' does not serve embeddings here; local models do.", "model")
                 : Error::model_not_found(req->model);
    co_await ex.send_error(e);
    co_return;
  }
  ex.record.route = req->model;
  auto result = co_await local->embed(req->inputs);
  if (!result) {
    co_await ex.send_error(result.error());
    co_return;
  }
  json::array data;
  for (size_t i = 0; i < result->vectors.size(); ++i) {
    json::object item{{"object", "embedding"}, {"index", i}};
    if (req->base64) {
      item["embedding"] = base64_floats(result->vectors[i]);
    } else {
      json::array values;
      values.reserve(result->vectors[i].size());
      for (float f : result->vectors[i]) values.emplace_back(static_cast<double>(f));
      item["embedding"] = std::move(values);
    }
    data.push_back(std::move(item));
  }
  core::Usage usage;
  usage.prompt_tokens = result->prompt_tokens;
  ex.usage = usage;
  json::object body{{"object", "list"},
                    {"data", std::move(data)},
                    {"model", req->model},
                    {"usage", {{"prompt_tokens", result->prompt_tokens}, {"total_tokens", result->prompt_tokens}}}};
  co_await ex.send_json(200, json::serialize(body));
}

http::awaitable<void> Gateway::serve_admin_model(Exchange& ex) {
  if (auto s = auth_->check_admin(ex.request); !s) {
    co_await ex.send_error(s.error());
    co_return;
  }
  // /admin/models/{name}/{action}
  std::string_view rest = std::string_view(ex.record.path).substr(std::string_view("/admin/models/").size());
  auto slash = rest.rfind('/');
  std::string name(rest.substr(0, slash == std::string_view::npos ? 0 : slash));
  std::string action(slash == std::string_view::npos ? rest : rest.substr(slash + 1));
  auto* provider = local_provider(name);
  if (!provider || (action != "load" && action != "unload")) {
    auto e = Error::not_found("Unknown admin action: POST " + ex.record.path + " (local models take /load and /unload)");
    co_await ex.send_error(e);
    co_return;
  }
  core::Status outcome = core::Ok{};
  if (action == "unload") {
    outcome = provider->unload();
  } else {
    // Loading reads the whole file: off the I/O thread, which goes on serving meanwhile.
    auto load = [provider] { return provider->load(); };
    outcome = co_await off_thread(std::move(load));
  }
  if (!outcome) {
    co_await ex.send_error(outcome.error());
    co_return;
  }
  spdlog::info("admin: model '{}' {}ed", name, action);
  auto health = provider->health();
  json::object body{{"model", name}, {"action", action}, {"loaded", health.healthy}};
  co_await ex.send_json(200, json::serialize(body));
}

std::string Gateway::local_metrics() const {
  std::string out;
  // Every serving version of every local model (a canary and production are both loaded).
  std::vector<std::shared_ptr<ops::Deployment>> locals;
  for (auto& d : registry_->deployments()) {
    if (d->local) locals.push_back(std::move(d));
  }
  auto family = [&](const char* name, const char* type, const char* help, auto value_of) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& d : locals) {
      auto engine = d->local->engine();
      out += std::string(name) + "{model=\"" + d->model + "\",version=\"" + d->version + "\"} " +
             std::to_string(engine ? value_of(*engine) : 0.0) + "\n";
    }
  };
  if (locals.empty()) return out;
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
  return out;
}

}  // namespace sy::api
