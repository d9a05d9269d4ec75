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
#include <charconv>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "api/exchange.h"
#include "api/gateway.h"
#include "api/off_thread.h"
#include "ops/registry_actions.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

std::string text_field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// parameters/eval arrive as JSON objects and are stored as their text.
std::string object_field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? json::serialize(*v) : std::string();
}

core::Result<json::object> body_object(std::string_view body) {
  if (body.empty()) return json::object{};
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error::invalid_request("The body must be a JSON object.");
  return std::move(v.as_object());
}

std::optional<double> number_field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return std::nullopt;
}

// "2026-11-22", "2026-11-22T08:00:00Z" or Unix milliseconds.
std::optional<int64_t> parse_time(std::string_view s) {
  int64_t ms = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
  if (ec == std::errc() && end == s.data() + s.size()) return ms;
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  std::string text(s);
  int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec);
  if (n != 3 && n != 6) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
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
    json::array serving;
    for (const auto& d : registry_->deployments()) {
      if (!model.empty() && d->model != model) continue;
      auto h = d->provider->health();
      json::object o{{"model", d->model}, {"version", d->version}, {"healthy", h.healthy}};
      if (!h.healthy) o["reason"] = h.reason;
      serving.push_back(std::move(o));
    }
    (*described)["serving"] = std::move(serving);
    co_await ex.send_json(200, json::serialize(*described));
    co_return;
  }
  if (!post || model.empty() || !config_->find_model(model)) {
    auto e = !post ? Error::method_not_allowed(ex.record.path, "POST")
                   : Error::not_found("Model '" + model + "' is not configured on this server.");
    co_await ex.send_error(e);
    co_return;
  }
  auto body = body_object(ex.request.body());
  if (!body) {
    co_await ex.send_error(body.error());
    co_return;
  }
  std::string author(ex.request["x-switchyard-author"]);
  if (author.empty()) author = text_field(*body, "author");
  if (author.empty()) author = "admin-api";
  std::string version = text_field(*body, "version");
  ex.ctx.version = version;
  double percent = number_field(*body, "percent").value_or(-1);
  auto& store = *store_;
  std::function<core::Result<json::object>()> act;
  if (action == "versions") {
    ops::AddVersion a;
    a.version.model = model;
    a.version.version = version;
    a.version.path = text_field(*body, "path");
    a.version.upstream_model = text_field(*body, "upstream_model");
    a.version.sha256 = text_field(*body, "sha256");
    a.version.quantization = text_field(*body, "quantization");
    a.version.notes = text_field(*body, "notes");
    a.version.parameters = object_field(*body, "parameters");
    a.version.eval = object_field(*body, "eval");
    a.version.author = author;
    a.alias = text_field(*body, "alias");
    act = [&store, a]() mutable { return ops::add_version(store, std::move(a)); };
  } else if (action == "promote") {
    auto alias = text_field(*body, "alias");
    act = [&store, model, version, alias, author] {
      return ops::promote(store, model, version, alias.empty() ? "production" : alias, author);
    };
  } else if (action == "rollback") {
    act = [&store, model, author] { return ops::rollback(store, model, author); };
  } else if (action == "canary" || action == "shadow") {
    act = [&store, model, action, version, percent, author] {
      return ops::set_traffic_alias(store, model, action, version, percent, author);
    };
  } else if (action == "retire") {
    act = [&store, model, version, author] { return ops::retire(store, model, version, author); };
  } else {
    auto e = Error::not_found("Unknown admin action: POST " + ex.record.path);
    co_await ex.send_error(e);
    co_return;
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
  auto url = boost::urls::parse_origin_form(ex.request.target());
  std::string by = "key", key, team;
  int64_t since = 0, until = std::numeric_limits<int64_t>::max();
  if (url) {
    for (auto param : url->params()) {
      std::string_view k = param.key;
      if (k == "by") by = param.value;
      else if (k == "key") key = param.value;
      else if (k == "team") team = param.value;
      else if (k == "since" || k == "until") {
        auto t = parse_time(param.value);
        if (!t) {
          auto e = Error::invalid_request("'" + std::string(k) + "' must be a date, an ISO-8601 UTC time or Unix milliseconds.", std::string(k));
          co_await ex.send_error(e);
          co_return;
        }
        (k == "since" ? since : until) = *t;
      }
    }
  }
  static const std::map<std::string, store::UsageGroup> kGroups = {
      {"key", store::UsageGroup::key},       {"team", store::UsageGroup::team},
      {"model", store::UsageGroup::model},   {"target", store::UsageGroup::target},
      {"version", store::UsageGroup::version}, {"day", store::UsageGroup::day}};
  auto group = kGroups.find(by);
  if (group == kGroups.end()) {
    auto e = Error::invalid_request("'by' must be one of key, team, model, target, version, day.", "by");
    co_await ex.send_error(e);
    co_return;
  }
  // Records still waiting for their commit would be missing from the sums.
  if (audit_ && !audit_->options().durable) audit_->flush();
  auto query = [this, g = group->second, since, until, key, team] { return store_->usage(g, since, until, key, team); };
  auto rows = co_await off_thread(std::move(query));
  if (!rows) {
    co_await ex.send_error(rows.error());
    co_return;
  }
  json::array data;
  for (const auto& r : *rows) {
    data.push_back(json::object{{by, r.group},
                                {"requests", r.requests},
                                {"errors", r.errors},
                                {"prompt_tokens", r.prompt_tokens},
                                {"completion_tokens", r.completion_tokens},
                                {"cost_usd", static_cast<double>(r.cost_micro_usd) / 1e6}});
  }
  json::object out{{"by", by}, {"since", since}, {"data", std::move(data)}};
  if (until != std::numeric_limits<int64_t>::max()) out["until"] = until;
  co_await ex.send_json(200, json::serialize(out));
}

}  // namespace sy::api
