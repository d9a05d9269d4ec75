// POST /v1/embeddings: vectors from a local model's serving version (held until the answer is
// written, so a retirement waits for it), behind the same admission as chat: the key, its quota
// and budget, and the accounting and audit record of what it used.
#include <boost/json.hpp>
#include <openssl/evp.h>

#include "api/body_parsers.h"
#include "api/endpoints.h"
#include "pipeline/route/route_stage.h"
#include "providers/local/local_provider.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

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

http::awaitable<void> serve_embeddings(Exchange& ex, const Services& services) {
  static const EmbeddingsParser parser;
  auto& s = ex.state;
  s.model_call = true;
  s.parser = &parser;
  auto run = co_await services.chains.embeddings.admit(s);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  const auto& model = s.chat.model;
  if (!s.principal.may_use(model)) {
    auto e = Error::permission("This key may not use model '" + model + "'.");
    co_await ex.send_error(e);
    co_return;
  }
  const auto* configured = services.config.find_model(model);
  auto resolved = configured ? services.registry.resolve(model, pipeline::RouteStage::caller_of(s), s.pinned) : std::nullopt;
  if (!resolved || !resolved->deployment->local) {
    auto e = configured ? Error::invalid_request("Model '" + model + "' does not serve embeddings here; local models do.", "model")
                        : Error::model_not_found(model);
    co_await ex.send_error(e);
    co_return;
  }
  s.targets.push_back(pipeline::Target{configured, resolved->deployment, resolved->deployment->provider.get(), resolved->role});
  s.answered_by = &s.targets.back();
  s.record.target = model;
  s.record.version = resolved->deployment->version;
  s.record.attempts = 1;
  auto result = co_await resolved->deployment->local->embed(s.inputs);
  if (!result) {
    co_await ex.send_error(result.error());
    co_return;
  }
  const bool base64 = s.chat.extensions.contains("encoding_format");
  json::array data;
  for (size_t i = 0; i < result->vectors.size(); ++i) {
    json::object item{{"object", "embedding"}, {"index", i}};
    if (base64) {
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
  s.usage = usage;
  json::object body{{"object", "list"},
                    {"data", std::move(data)},
                    {"model", model},
                    {"usage", {{"prompt_tokens", result->prompt_tokens}, {"total_tokens", result->prompt_tokens}}}};
  co_await ex.send_json(200, json::serialize(body));
}

}  // namespace sy::api
