#include "ops/key_actions.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include <boost/json.hpp>

#include "core/principal.h"
#include "ops/audit_log.h"
#include "ops/key_secret.h"
#include "ops/utc_time.h"

namespace sy::ops {

namespace json = boost::json;
using core::Error;

namespace {

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@')) return false;
  }
  return true;
}

// The change goes into the same audit chain as the requests, sealed through the store already
// open. Names only: the key's name and role, never its secret or hash.
void audit_key_change(store::Store& store, const std::string& action, const std::string& name, const std::string& role,
                      const std::string& author, int status) {
  RequestRecord r;
  r.ts_ms = now_ms();
  r.request_id = "keys-" + std::to_string(r.ts_ms) + "-" + name;
  r.key_name = author.starts_with("cli:") ? author : "cli:" + author;
  r.method = "CLI";
  r.path = "keys " + action;
  r.reasons = {"key:" + name};
  if (!role.empty()) r.reasons.push_back("role:" + role);
  r.status = status;
  if (auto appended = store.append_audit({audit_entry(r)}); !appended) {
    std::fprintf(stderr, "switchyard keys: the change is made, but its audit record could not be written: %s\n",
                 appended.error().message.c_str());
  }
}

std::string role_of(store::Store& store, const std::string& name) {
  auto keys = store.list_keys();
  if (!keys) return {};
  for (const auto& k : *keys) {
    if (k.name == name) return k.role;
  }
  return {};
}

std::string time_text(int64_t ms) {
  std::string out;
  append_utc_time(out, ms);
  return out;
}

}  // namespace

json::object describe_key(const store::StoredKey& k, int64_t now) {
  json::object o;
  o["name"] = k.name;
  o["prefix"] = k.prefix;
  o["role"] = k.role;
  if (!k.team.empty()) o["team"] = k.team;
  json::array models;
  for (const auto& m : k.models) models.emplace_back(m);
  o["models"] = std::move(models);
  json::object limits;
  if (k.requests_per_minute) limits["requests_per_minute"] = k.requests_per_minute;
  if (k.tokens_per_minute) limits["tokens_per_minute"] = k.tokens_per_minute;
  if (k.usd_per_month > 0) limits["usd_per_month"] = k.usd_per_month;
  if (!limits.empty()) o["limits"] = std::move(limits);
  if (k.expires_ms) o["expires"] = time_text(k.expires_ms);
  o["created"] = time_text(k.created_ms);
  o["created_by"] = k.created_by;
  if (k.revoked()) {
    o["state"] = "revoked";
    o["revoked"] = time_text(k.revoked_ms);
    o["revoked_by"] = k.revoked_by;
  } else {
    o["state"] = k.expires_ms && k.expires_ms <= now ? "expired" : "active";
  }
  return o;
}

core::Result<int64_t> parse_expiry(const std::string& text, int64_t now) {
  if (text.empty()) return Error::invalid_request("--expires is empty", "expires");
  if (auto span = parse_span_ms(text)) return now + *span;
  auto at = parse_utc_time(text);
  if (!at) {
    return Error::invalid_request("--expires: '" + text + "' is neither a span (30d, 12h, 90m, 2w) nor a UTC time (" +
                                      at.error().message + ")",
                                  "expires");
  }
  if (*at <= now) return Error::invalid_request("--expires: " + text + " is not in the future", "expires");
  return *at;
}

core::Result<json::object> create_key(store::Store& store, const NewKey& key) {
  if (!valid_name(key.name)) return Error::invalid_request("name: letters, digits and -_.:@ only, 1 to 128 of them", "name");
  if (!core::parse_role(key.role)) return Error::invalid_request("role must be one of user, viewer, auditor, operator, admin", "role");
  if (key.models.empty()) return Error::invalid_request("models: name at least one model, route or glob ('*' = all)", "models");
  if (key.requests_per_minute < 0 || key.tokens_per_minute < 0 || key.usd_per_month < 0) {
    return Error::invalid_request("limits may not be negative");
  }
  auto secret = make_key_secret();
  if (!secret) return secret.error();
  store::StoredKey k;
  k.name = key.name;
  k.prefix = secret->prefix;
  k.salt = secret->salt_hex;
  k.hash = secret->hash_hex;
  k.role = key.role;
  k.team = key.team;
  k.models = key.models;
  k.requests_per_minute = key.requests_per_minute;
  k.tokens_per_minute = key.tokens_per_minute;
  k.usd_per_month = key.usd_per_month;
  k.expires_ms = key.expires_ms;
  k.created_ms = now_ms();
  k.updated_ms = k.created_ms;
  k.created_by = key.author;
  auto made = store.create_key(k);
  audit_key_change(store, "create", key.name, key.role, key.author, made ? 200 : made.error().status);
  if (!made) return made.error();
  auto o = describe_key(k, k.created_ms);
  o["key"] = secret->secret;
  return o;
}

core::Result<json::object> list_keys(store::Store& store, int64_t now) {
  auto keys = store.list_keys();
  if (!keys) return keys.error();
  json::array out;
  for (const auto& k : *keys) out.push_back(describe_key(k, now));
  return json::object{{"keys", std::move(out)}};
}

core::Result<json::object> revoke_key(store::Store& store, const std::string& name, const std::string& author) {
  auto done = store.revoke_key(name, author, now_ms());
  audit_key_change(store, "revoke", name, role_of(store, name), author, done ? 200 : done.error().status);
  if (!done) return done.error();
  return json::object{{"name", name}, {"state", "revoked"}};
}

core::Result<json::object> rotate_key(store::Store& store, const std::string& name, const std::string& author) {
  auto secret = make_key_secret();
  if (!secret) return secret.error();
  auto done = store.rotate_key(name, secret->prefix, secret->salt_hex, secret->hash_hex, now_ms());
  audit_key_change(store, "rotate", name, role_of(store, name), author, done ? 200 : done.error().status);
  if (!done) return done.error();
  return json::object{{"name", name}, {"prefix", secret->prefix}, {"key", secret->secret}};
}

}  // namespace sy::ops
