// GET /api/tags, POST /api/show, GET /api/version: the models an Ollama client may ask for, as
// Ollama lists them. The same names /v1/models lists (configured models and routes the key may
// use), behind the same auth; a local model's entry says what its GGUF says (architecture,
// parameters, file type, template) when it is loaded, and the file's size and time.
#include <sys/stat.h>

#include <chrono>

#include <boost/json.hpp>

#include "api/endpoints.h"
#include "api/ollama/dialect.h"
#include "providers/local/local_provider.h"
#include "wire/json_fields.h"
#include "wire/ollama/ollama_models.h"
#include "wire/ollama/ollama_request.h"
#include "wire/ollama/ollama_response.h"
#include "wire/request_body.h"

namespace sy::api {

namespace json = boost::json;
namespace wo = wire::ollama;
using core::Error;

namespace {

// The Ollama API version whose endpoints and fields this front door follows: clients compare it
// with the least version a feature of theirs needs.
constexpr const char* kOllamaApiVersion = "0.12.0";

// When this server started: the time shown for models that have no file of their own.
const std::string& started_at() {
  static const std::string at = wo::created_at_now();
  return at;
}

void describe_file(const std::string& path, wo::ModelEntry& e) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  e.size = static_cast<int64_t>(st.st_size);
  auto mtime = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec));
  e.modified_at = wo::rfc3339(mtime);
}

wo::ModelEntry local_entry(const config::ModelConfig& m, const serving::Registry& registry) {
  wo::ModelEntry e;
  e.name = m.name;
  e.modified_at = started_at();
  e.format = "gguf";
  e.capabilities = {"completion", "embedding"};
  auto deployment = registry.production(m.name);
  describe_file(deployment ? deployment->config.path : m.path, e);
  auto engine = deployment && deployment->local ? deployment->local->engine() : nullptr;
  if (!engine) return e;  // not loaded (yet): what the file says is not at hand
  auto facts = engine->facts();
  e.family = facts.architecture;
  e.parameters = static_cast<int64_t>(facts.parameters);
  e.parameter_size = wo::parameter_size(facts.parameters);
  e.context_length = facts.context_length;
  e.chat_template = engine->chat_template();
  // llama.cpp's description is "<architecture> <size> <file type>": the file type is the rest.
  const auto& desc = facts.description;
  if (auto first = desc.find(' '); first != std::string::npos) {
    if (auto second = desc.find(' ', first + 1); second != std::string::npos) e.quantization_level = desc.substr(second + 1);
  }
  return e;
}

wo::ModelEntry remote_entry(const config::ModelConfig& m) {
  wo::ModelEntry e;
  e.name = m.name;
  e.modified_at = started_at();
  e.family = config::to_string(m.provider);
  e.capabilities = {"completion", "tools"};
  return e;
}

wo::ModelEntry route_entry(const config::RouteConfig& r) {
  wo::ModelEntry e;
  e.name = r.name;
  e.modified_at = started_at();
  e.family = "switchyard-route";
  e.capabilities = {"completion"};
  if (!r.cloud.empty()) e.capabilities.emplace_back("tools");
  return e;
}

// The entry for a name a client may use; nullopt when there is none (or the key may not use it).
std::optional<wo::ModelEntry> entry_for(const std::string& name, const Services& services, const core::Principal& who) {
  if (!who.may_use(name)) return std::nullopt;
  if (const auto* m = services.config.find_model(name)) {
    return m->provider == config::ProviderKind::local ? local_entry(*m, services.registry) : remote_entry(*m);
  }
  for (const auto& r : services.config.routes) {
    if (r.name == name) return route_entry(r);
  }
  return std::nullopt;
}

}  // namespace

http::awaitable<void> serve_ollama_tags(Exchange& ex, const Services& services) {
  ex.dialect = &ollama::error_dialect();
  auto run = co_await services.chains.keyed.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  std::vector<wo::ModelEntry> models;
  auto add = [&](const std::string& name) {
    if (auto e = entry_for(name, services, ex.state.principal)) models.push_back(std::move(*e));
  };
  for (const auto& m : services.config.models) add(m.name);
  for (const auto& r : services.config.routes) add(r.name);
  co_await ex.send_json(200, wo::format_tags(models));
}

http::awaitable<void> serve_ollama_show(Exchange& ex, const Services& services) {
  ex.dialect = &ollama::error_dialect();
  auto run = co_await services.chains.keyed.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  wire::JsonScratch scratch;
  auto body = wire::parse_request_body(ex.request.body(), scratch.storage());
  if (!body) {
    co_await ex.send_error(body.error());
    co_return;
  }
  // `name` is what Ollama's API called it before `model`.
  auto asked = wire::string_or(*body, "model", wire::string_or(*body, "name"));
  if (asked.empty()) {
    auto e = Error::invalid_request("model: field required (a non-empty string).", "model");
    co_await ex.send_error(e);
    co_return;
  }
  auto name = wo::model_name(asked);
  ex.state.record.model = name;
  auto entry = entry_for(name, services, ex.state.principal);
  if (!entry) {
    // A model the key may not use is as unknown to it as one that does not exist.
    auto e = Error::model_not_found(name);
    co_await ex.send_error(e);
    co_return;
  }
  co_await ex.send_json(200, wo::format_show(*entry));
}

// Unauthenticated, as /healthz: it says nothing about what is served.
http::awaitable<void> serve_ollama_version(Exchange& ex, const Services&) {
  ex.dialect = &ollama::error_dialect();
  co_await ex.send_json(200, wo::format_version(kOllamaApiVersion));
}

}  // namespace sy::api
