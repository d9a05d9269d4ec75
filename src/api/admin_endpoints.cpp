// The admin API over the registry and usage, guarded by the admin key:
//   GET  /admin/models                         every model: versions, aliases, what serves now
//   GET  /admin/models/{m}                     one model
//   POST /admin/models/{m}/versions            {version, path | upstream_model, sha256?, quantization?,
//                                               notes?, parameters?, eval?, alias?}
//   POST /admin/models/{m}/promote             {version?, alias?}   (no version: the canary's)
//   POST /admin/models/{m}/rollback
//   POST /admin/models/{m}/canary|shadow       {version, percent}   (percent 0 ends it)
//   POST /admin/models/{m}/retire              {version}
//   GET  /admin/usage?by=key|team|model|target|version|day&since=&until=&key=&team=
// The same actions as `switchyard models ...` (ops/registry_actions). A change answers once this
// server runs it ("live": true); other replicas follow the store within a second.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "api/exchange.h"
#include "api/gateway.h"
#include "api/admin_request.h"
#include "api/off_thread.h"
#include "ops/registry_actions.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

// The versions this server runs (of one model, or all with ""), and whether each can answer.
json::array serving(const ops::Registry& registry, const std::string& model) {
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

}  // namespace

http::awaitable<void> Gateway::serve_admin_registry(Exchange& ex) {
  if (auto s = auth_->check_admin(ex.request); !s) {
    co_await ex.send_error(s.error());
    co_return;
  }
  ex.ctx.principal.key_name = "admin";
  // /admin/models[/{m}[/{action}]]
  std::string_view rest = ex.record.path;
  rest.remove_prefix(std::string_view("/admin/models").size());
  if (!rest.empty()) rest.remove_prefix(1);
  auto slash = rest.find('/');
  std::string model(rest.substr(0, slash));
  std::string action(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  ex.record.model = model;
  const bool get = ex.request.method() == http::bhttp::verb::get;
  const bool post = ex.request.method() == http::bhttp::verb::post;

  if (action.empty() && get) {
    // Named work, never a temporary in the co_await's arguments (GCC 12: see src/README.md).
    auto describe = [this, model] { return ops::describe_models(*store_, model); };
    auto described = co_await off_thread(std::move(describe));
    if (!described) {
      co_await ex.send_error(described.error());
      co_return;
    }
    // What this server runs now, next to what the store says.
    (*described)["serving"] = serving(*registry_, model);
    co_await ex.send_json(200, json::serialize(*described));
    co_return;
  }
  if (!post) {
    auto e = Error::method_not_allowed(ex.record.path, "POST");
    co_await ex.send_error(e);
    co_return;
  }
  auto parsed = parse_registry_action(ex.record.path, ex.request.body(), ex.request["x-switchyard-author"]);
  if (parsed && !config_->find_model(parsed->model)) {
    parsed = Error::not_found("Model '" + parsed->model + "' is not configured on this server.");
  }
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  ex.ctx.version = parsed->version;
  auto& store = *store_;
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
  auto result = co_await off_thread(std::move(act));
  if (!result) {
    co_await ex.send_error(result.error());
    co_return;
  }
  // Answer once this server runs the change.
  auto generation = [&store] { return store.generation(); };
  auto wanted = co_await off_thread(std::move(generation));
  registry_->poke();
  boost::asio::steady_timer timer(ex.executor);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (wanted && registry_->applied_generation() < *wanted && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  (*result)["live"] = wanted && registry_->applied_generation() >= *wanted;
  // What this server now runs for the model, and whether it can answer: a version promoted onto
  // a missing or changed file is said at once, not at the first request.
  (*result)["serving"] = serving(*registry_, a.model);
  co_await ex.send_json(200, json::serialize(*result));
}

http::awaitable<void> Gateway::serve_admin_usage(Exchange& ex) {
  if (auto s = auth_->check_admin(ex.request); !s) {
    co_await ex.send_error(s.error());
    co_return;
  }
  ex.ctx.principal.key_name = "admin";
  if (ex.request.method() != http::bhttp::verb::get) {
    auto e = Error::method_not_allowed(ex.record.path, "GET");
    co_await ex.send_error(e);
    co_return;
  }
  auto query = parse_usage_query(ex.request.target());
  if (!query) {
    co_await ex.send_error(query.error());
    co_return;
  }
  // Records still waiting for their commit would be missing from the sums.
  if (audit_ && !audit_->options().durable) audit_->flush();
  auto sum = [this, q = *query] { return store_->usage(q.group, q.since_ms, q.until_ms, q.key, q.team); };
  auto rows = co_await off_thread(std::move(sum));
  if (!rows) {
    co_await ex.send_error(rows.error());
    co_return;
  }
  json::array data;
  for (const auto& r : *rows) {
    data.push_back(json::object{{query->by, r.group},
                                {"requests", r.requests},
                                {"errors", r.errors},
                                {"prompt_tokens", r.prompt_tokens},
                                {"completion_tokens", r.completion_tokens},
                                {"cost_usd", static_cast<double>(r.cost_micro_usd) / 1e6}});
  }
  json::object out{{"by", query->by}, {"since", query->since_ms}, {"data", std::move(data)}};
  if (query->until_ms != std::numeric_limits<int64_t>::max()) out["until"] = query->until_ms;
  co_await ex.send_json(200, json::serialize(out));
}

}  // namespace sy::api
