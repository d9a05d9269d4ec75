#include "api/admin/admin_request.h"

#include <charconv>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "ops/utc_time.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

std::string text_field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// parameters/eval arrive as JSON objects and are stored as their text.
core::Result<std::string> object_field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_object()) return Error::invalid_request(std::string("'") + key + "' must be a JSON object.", key);
  return json::serialize(*v);
}

}  // namespace

core::Result<RegistryAction> parse_registry_action(std::string_view path, std::string_view body,
                                                   std::string_view author_header) {
  constexpr std::string_view kPrefix = "/admin/models/";
  if (!path.starts_with(kPrefix)) return Error::not_found("Unknown admin endpoint.");
  auto rest = path.substr(kPrefix.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || rest.find('/', slash + 1) != std::string_view::npos) {
    return Error::not_found("Admin registry actions are POST /admin/models/{model}/{action}.");
  }
  RegistryAction a;
  a.model = rest.substr(0, slash);
  a.action = rest.substr(slash + 1);
  static const std::set<std::string_view> kActions = {"versions", "promote", "rollback", "canary", "shadow", "retire"};
  if (!kActions.contains(a.action)) {
    return Error::not_found("Unknown admin action '" + a.action + "' (versions, promote, rollback, canary, shadow, retire).");
  }
  json::object o;
  if (!body.empty()) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return Error::invalid_request("The body must be a JSON object.");
    o = std::move(v.as_object());
  }
  a.author = author_header;
  if (a.author.empty()) a.author = text_field(o, "author");
  if (a.author.empty()) a.author = "admin-api";
  a.version = text_field(o, "version");
  a.alias = text_field(o, "alias");
  if (const auto* p = o.if_contains("percent"); p && !p->is_null()) {
    if (!p->is_number()) return Error::invalid_request("'percent' must be a number from 0 to 100.", "percent");
    a.percent = p->to_number<double>();
  }
  if (const auto* f = o.if_contains("force"); f && !f->is_null()) {
    if (!f->is_bool()) return Error::invalid_request("'force' must be true or false.", "force");
    a.force = f->as_bool();
  }
  if (a.action == "versions") {
    auto& v = a.added;
    v.model = a.model;
    v.version = a.version;
    v.author = a.author;
    v.path = text_field(o, "path");
    v.upstream_model = text_field(o, "upstream_model");
    v.sha256 = text_field(o, "sha256");
    v.quantization = text_field(o, "quantization");
    v.notes = text_field(o, "notes");
    auto parameters = object_field(o, "parameters");
    if (!parameters) return parameters.error();
    v.parameters = std::move(*parameters);
    auto eval = object_field(o, "eval");
    if (!eval) return eval.error();
    v.eval = std::move(*eval);
  }
  return a;
}

core::Result<UsageQuery> parse_usage_query(std::string_view target) {
  UsageQuery q;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return Error::invalid_request("The request target is not a valid URL.");
  for (auto param : url->params()) {
    std::string_view k = param.key;
    if (k == "by") {
      q.by = param.value;
    } else if (k == "key") {
      q.key = param.value;
    } else if (k == "team") {
      q.team = param.value;
    } else if (k == "since" || k == "until") {
      auto t = ops::parse_utc_time(param.value);
      if (!t) return Error::invalid_request("'" + std::string(k) + "': " + t.error().message, std::string(k));
      (k == "since" ? q.since_ms : q.until_ms) = *t;
    } else {
      return Error::invalid_request("Unknown parameter '" + std::string(k) + "' (by, since, until, key, team).", std::string(k));
    }
  }
  static const std::map<std::string, store::UsageGroup, std::less<>> kGroups = {
      {"key", store::UsageGroup::key},       {"team", store::UsageGroup::team},
      {"model", store::UsageGroup::model},   {"target", store::UsageGroup::target},
      {"version", store::UsageGroup::version}, {"day", store::UsageGroup::day}};
  auto group = kGroups.find(q.by);
  if (group == kGroups.end()) return Error::invalid_request("'by' must be one of key, team, model, target, version, day.", "by");
  q.group = group->second;
  return q;
}

core::Result<AuditQuery> parse_audit_query(std::string_view target) {
  AuditQuery q;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return Error::invalid_request("The request target is not a valid URL.");
  for (auto param : url->params()) {
    std::string_view k = param.key;
    if (k == "request_id") {
      q.request_id = param.value;
    } else if (k == "key") {
      q.key = param.value;
    } else if (k == "model") {
      q.model = param.value;
    } else if (k == "since" || k == "until") {
      if (param.value.empty()) continue;  // an empty field of the dashboard's form
      auto t = ops::parse_utc_time(param.value);
      if (!t) return Error::invalid_request("'" + std::string(k) + "': " + t.error().message, std::string(k));
      if (k == "since") q.since_ms = *t;
      else q.until_ms = *t;
    } else if (k == "limit") {
      const std::string& v = param.value;
      size_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n == 0 || n > AuditQuery::kMaxLimit) {
        return Error::invalid_request("'limit' must be a whole number from 1 to 1000.", "limit");
      }
      q.limit = n;
    } else {
      return Error::invalid_request("Unknown parameter '" + std::string(k) + "' (request_id, key, model, since, until, limit).",
                                    std::string(k));
    }
  }
  if (q.since_ms && *q.since_ms >= q.until_ms) return Error::invalid_request("'since' must be before 'until'.", "since");
  return q;
}

}  // namespace sy::api
