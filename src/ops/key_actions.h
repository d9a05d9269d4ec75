#pragma once
// API keys kept in the store: made, listed, revoked and rotated, one implementation for the CLI
// (`switchyard keys ...`) and anything else that manages keys. Each change is one store
// transaction (which moves the keys' generation: every server polling it reloads its keys within
// a poll) and one record in the audit chain, with its author. A secret is in the answer of
// create and rotate only, once; nothing else ever shows it.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/result.h"
#include "store/store.h"

namespace sy::ops {

struct NewKey {
  std::string name;
  std::string role = "user";
  std::string team;
  std::vector<std::string> models{"*"};
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;
  double usd_per_month = 0;
  int64_t expires_ms = 0;       // 0 = never
  std::string author;
};

// {"name", "key": SECRET, "prefix", "role", ...}
core::Result<boost::json::object> create_key(store::Store& store, const NewKey& key);
// {"keys": [...]}: every key with its prefix, scopes, state; never a secret or a hash.
core::Result<boost::json::object> list_keys(store::Store& store, int64_t now_ms);
core::Result<boost::json::object> revoke_key(store::Store& store, const std::string& name, const std::string& author);
// A new secret for the key (its name, role, scopes and limits stay); the old secret is refused
// from then on. {"name", "key": SECRET, "prefix"}
core::Result<boost::json::object> rotate_key(store::Store& store, const std::string& name, const std::string& author);

// --expires: a span from now ("30d", "12h", "90m", "2w") or a UTC time ("2026-12-31",
// "2026-12-31T18:00:00Z"); must lie in the future.
core::Result<int64_t> parse_expiry(const std::string& text, int64_t now_ms);

boost::json::object describe_key(const store::StoredKey& key, int64_t now_ms);

}  // namespace sy::ops
