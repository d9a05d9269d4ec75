// The admin API over the registry, guarded by the admin key:
//   GET  /admin/models                         every model: versions, aliases, what serves now
//   GET  /admin/models/{m}                     one model
//   POST /admin/models/{m}/versions            {version, path | upstream_model, sha256?, quantization?,
//                                               notes?, parameters?, eval?, alias?}
//   POST /admin/models/{m}/promote             {version?, alias?, force?}   (no version: the canary's)
//   POST /admin/models/{m}/rollback
//   POST /admin/models/{m}/canary|shadow       {version, percent, force?}   (percent 0 ends it)
// Promote (to production) and canary pass the model's eval gate first (ops/eval_gate): 409
// gate_failed, or with force the change is made and its audit record says what was forced past.
//   POST /admin/models/{m}/retire              {version}
//   POST /admin/models/{m}/load|unload         a local model's serving version, while serving
// The registry actions are the same as `switchyard models ...` (ops/registry_actions). A change
// answers once this server runs it ("live": true); other replicas follow the store within a second.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "api/admin/admin_request.h"
#include "api/endpoints.h"
#include "api/off_thread.h"
#include "ops/eval_gate.h"
#include "ops/registry_actions.h"
#include "providers/local/local_provider.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

// The versions this server runs (of one model, or all with ""), and whether each can answer.
json::array serving(const serving::Registry& registry, const std::string& model) {
  json::array out;
  for (const auto& d : registry.deployments()) {
    if (!model.empty() && d->model != model) continue;
    auto h = d->provider->health();
    json::object o{{"model", d->model}, {"version", d->version}, {"healthy", h.healthy}};
    if (!h.healthy) o["reason"] = h.reason;
    out.push_back(std::move(o));
  }
  return out;
}

// /admin/models[/{m}[/{action}]] -> (m, action)
std::pair<std::string, std::string> model_and_action(std::string_view path) {
  path.remove_prefix(std::string_view("/admin/models").size());
  if (!path.empty()) path.remove_prefix(1);
  auto slash = path.find('/');
  return {std::string(path.substr(0, slash)), std::string(slash == std::string_view::npos ? "" : path.substr(slash + 1))};
}

// Loads or unloads a local model's production version while serving; the version is held for the
// duration, so the registry cannot tear it down underneath.
http::awaitable<void> load_or_unload(Exchange& ex, const Services& services, const std::string& name,
                                     const std::string& action) {
  auto deployment = services.registry.production(name);
  auto* provider = deployment ? deployment->local : nullptr;
  if (!provider) {
    auto e = Error::not_found("Unknown admin action: POST " + ex.state.record.path + " (local models take /load and /unload)");
    co_await ex.send_error(e);
    co_return;
  }
  core::Status outcome = core::Ok{};
  if (action == "unload") {
    outcome = provider->unload();
  } else {
    // Loading reads the whole file: off the I/O thread, which goes on serving meanwhile.
    auto load = [deployment, provider] { return provider->load(); };
    outcome = co_await off_thread(services.background, std::move(load));
  }
  if (!outcome) {
    co_await ex.send_error(outcome.error());
    co_return;
  }
  spdlog::info("admin: model '{}' {}ed", name, action);
  json::object body{{"model", name}, {"action", action}, {"loaded", provider->health().healthy}};
  co_await ex.send_json(200, json::serialize(body));
}

// Answers once this server runs the store's current generation (or after 30 s, saying so).
http::awaitable<bool> wait_until_live(const Services& services) {
  auto& store = services.store;
  auto generation = [&store] { return store.generation(); };
  auto wanted = co_await off_thread(services.background, std::move(generation));
  services.registry.poke();
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (wanted && services.registry.applied_generation() < *wanted && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  co_return wanted && services.registry.applied_generation() >= *wanted;
}

}  // namespace

http::awaitable<void> serve_admin_models(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  auto [model, action] = model_and_action(ex.state.record.path);
  ex.state.record.model = model;
  if (action.empty() && ex.request.method() == http::bhttp::verb::get) {
    // Named work, never a temporary in the co_await's arguments (GCC 12: see src/README.md).
    // model = model: a structured binding is captured through an initializer (clang before 16 needs it).
    auto describe = [&store = services.store, model = model] { return ops::describe_models(store, model); };
    auto described = co_await off_thread(services.background, std::move(describe));
    if (!described) {
      co_await ex.send_error(described.error());
      co_return;
    }
    // What this server runs now, next to what the store says.
    (*described)["serving"] = serving(services.registry, model);
    co_await ex.send_json(200, json::serialize(*described));
    co_return;
  }
  if (ex.request.method() != http::bhttp::verb::post) {
    auto e = Error::method_not_allowed(ex.state.record.path, "POST");
    co_await ex.send_error(e);
    co_return;
  }
  if (action == "load" || action == "unload") {
    co_await load_or_unload(ex, services, model, action);
    co_return;
  }
  auto parsed = parse_registry_action(ex.state.record.path, ex.request.body(), ex.request["x-switchyard-author"]);
  if (parsed && !services.config.find_model(parsed->model)) {
    parsed = Error::not_found("Model '" + parsed->model + "' is not configured on this server.");
  }
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  ex.state.record.version = parsed->version;
  auto& store = services.store;
  if (parsed->action == "promote" || parsed->action == "canary") {
    auto check = [&store, &gates = services.config.gates, a = *parsed] {
      return ops::gate_traffic_move(store, gates, a.action, a.model, a.version, a.alias.empty() ? "production" : a.alias,
                                    a.percent, a.force);
    };
    auto gate = co_await off_thread(services.background, std::move(check));
    if (!gate) {
      co_await ex.send_error(gate.error());
      co_return;
    }
    if (gate->gated) ex.state.record.reasons.push_back(gate->summary());
  }
  std::function<core::Result<json::object>()> act;
  const auto& a = *parsed;
  if (a.action == "versions") {
    act = [&store, added = ops::AddVersion{a.added, a.alias}]() mutable { return ops::add_version(store, std::move(added)); };
  } else if (a.action == "promote") {
    act = [&store, a] { return ops::promote(store, a.model, a.version, a.alias.empty() ? "production" : a.alias, a.author); };
  } else if (a.action == "rollback") {
    act = [&store, a] { return ops::rollback(store, a.model, a.author); };
  } else if (a.action == "canary" || a.action == "shadow") {
    act = [&store, a] { return ops::set_traffic_alias(store, a.model, a.action, a.version, a.percent, a.author); };
  } else {
    act = [&store, a] { return ops::retire(store, a.model, a.version, a.author); };
  }
  auto result = co_await off_thread(services.background, std::move(act));
  if (!result) {
    co_await ex.send_error(result.error());
    co_return;
  }
  (*result)["live"] = co_await wait_until_live(services);
  // What this server now runs for the model, and whether it can answer: a version promoted onto
  // a missing or changed file is said at once, not at the first request.
  (*result)["serving"] = serving(services.registry, a.model);
  co_await ex.send_json(200, json::serialize(*result));
}

}  // namespace sy::api
