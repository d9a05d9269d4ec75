// Store: API keys made with `switchyard keys`, as salted hashes, and the generation replicas poll.
#include "store/store.h"
#include "store/store_internal.h"

namespace sy::store {

using core::Error;
using detail::failed;

namespace {

constexpr const char* kColumns =
    "name, prefix, salt, hash, role, team, models, requests_per_minute, tokens_per_minute, usd_per_month, expires_ms, "
    "created_ms, created_by, updated_ms, revoked_ms, revoked_by";

// Model globs never hold a comma (model and route names cannot), so a comma-separated list
// reads back exactly in both dialects.
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

core::Status bump_keys_generation(Db& db) {
  return db.exec("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'keys_generation'");
}

// The key's revoked_ms, or 404.
core::Result<int64_t> revoked_at(Db& db, const std::string& name) {
  const Value params[] = {name};
  auto rows = db.query("SELECT revoked_ms FROM api_keys WHERE name = $1", params);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found("no key named '" + name + "'");
  return rows->front().integer(0);
}

// One change to the keys in a write transaction; the generation moves with it.
template <class Body>
core::Status change_keys(Db& db, const char* op, Body body) {
  detail::WriteTx tx(db);
  if (auto s = tx.begin(); !s) return failed(op, s.error());
  if (auto s = body(); !s) return s.error().status >= 500 ? failed(op, s.error()) : s.error();
  if (auto s = bump_keys_generation(db); !s) return failed(op, s.error());
  if (auto s = tx.commit(); !s) return failed(op, s.error());
  return core::Ok{};
}

}  // namespace

core::Result<int64_t> Store::keys_generation() {
  std::lock_guard lock(mu_);
  auto rows = db_->query("SELECT value FROM meta WHERE key = 'keys_generation'");
  if (!rows) return failed("keys_generation", rows.error());
  return rows->empty() ? 0 : rows->front().integer(0);
}

core::Result<std::vector<StoredKey>> Store::list_keys() {
  std::lock_guard lock(mu_);
  auto rows = db_->query(std::string("SELECT ") + kColumns + " FROM api_keys ORDER BY name");
  if (!rows) return failed("list_keys", rows.error());
  std::vector<StoredKey> keys;
  keys.reserve(rows->size());
  for (const auto& r : *rows) {
    StoredKey k;
    k.name = r.text(0);
    k.prefix = r.text(1);
    k.salt = r.text(2);
    k.hash = r.text(3);
    k.role = r.text(4);
    k.team = r.text(5);
    k.models = split(r.text(6));
    k.requests_per_minute = r.integer(7);
    k.tokens_per_minute = r.integer(8);
    k.usd_per_month = r.real(9);
    k.expires_ms = r.integer(10);
    k.created_ms = r.integer(11);
    k.created_by = r.text(12);
    k.updated_ms = r.integer(13);
    k.revoked_ms = r.integer(14);
    k.revoked_by = r.text(15);
    keys.push_back(std::move(k));
  }
  return keys;
}

core::Status Store::create_key(const StoredKey& k) {
  if (k.name.empty() || k.prefix.empty() || k.salt.empty() || k.hash.empty()) {
    return Error::invalid_request("a key needs a name, a prefix, a salt and a hash");
  }
  for (const auto& m : k.models) {
    if (m.empty() || m.find(',') != std::string::npos) return Error::invalid_request("model patterns may not be empty or hold ','", "models");
  }
  auto now = k.created_ms ? k.created_ms : detail::now_ms();
  const Value params[] = {k.name, k.prefix, k.salt, k.hash, k.role, k.team, join(k.models), k.requests_per_minute,
                          k.tokens_per_minute, k.usd_per_month, k.expires_ms, now, k.created_by, now, int64_t{0},
                          std::string()};
  std::lock_guard lock(mu_);
  return change_keys(*db_, "create_key", [&]() -> core::Status {
    auto exists = revoked_at(*db_, k.name);
    if (exists) {
      return detail::conflict("a key named '" + k.name + "' exists" + (*exists ? " (revoked; names are not reused)" : ""));
    }
    if (exists.error().status != 404) return exists.error();
    return db_->exec(std::string("INSERT INTO api_keys (") + kColumns +
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                     params);
  });
}

core::Status Store::rotate_key(const std::string& name, const std::string& prefix, const std::string& salt,
                               const std::string& hash, int64_t now_ms) {
  const Value params[] = {name, prefix, salt, hash, now_ms};
  std::lock_guard lock(mu_);
  return change_keys(*db_, "rotate_key", [&]() -> core::Status {
    auto revoked = revoked_at(*db_, name);
    if (!revoked) return revoked.error();
    if (*revoked) return detail::conflict("key '" + name + "' is revoked; make a new one");
    return db_->exec("UPDATE api_keys SET prefix = $2, salt = $3, hash = $4, updated_ms = $5 WHERE name = $1", params);
  });
}

core::Status Store::revoke_key(const std::string& name, const std::string& author, int64_t now_ms) {
  const Value params[] = {name, now_ms, author};
  std::lock_guard lock(mu_);
  return change_keys(*db_, "revoke_key", [&]() -> core::Status {
    auto revoked = revoked_at(*db_, name);
    if (!revoked) return revoked.error();
    if (*revoked) return detail::conflict("key '" + name + "' is revoked already");
    return db_->exec("UPDATE api_keys SET revoked_ms = $2, revoked_by = $3, updated_ms = $2 WHERE name = $1", params);
  });
}

}  // namespace sy::store
