#include "store/store_schema.h"

namespace sy::store {

namespace {

// Version rows: every ModelVersion field; "" rather than NULL for the optional texts so that
// both dialects compare them the same way. state_author: who last changed the state.
constexpr const char* registry_sql = R"(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta (key, value) VALUES ('registry_generation', '0');
CREATE TABLE model_versions (
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  path TEXT NOT NULL,
  upstream_model TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  parameters TEXT NOT NULL,
  quantization TEXT NOT NULL,
  notes TEXT NOT NULL,
  eval TEXT NOT NULL,
  author TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  retired_ms BIGINT NOT NULL,
  state_author TEXT NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE TABLE model_aliases (
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  version TEXT NOT NULL,
  percent DOUBLE PRECISION NOT NULL,
  author TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions (model, version)
);
CREATE TABLE alias_history (
  id BIGINT PRIMARY KEY,
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  version TEXT,
  percent DOUBLE PRECISION NOT NULL,
  author TEXT NOT NULL,
  ts_ms BIGINT NOT NULL
);
CREATE INDEX alias_history_by_alias ON alias_history (model, alias, id);
)";

// seq is the rowid in SQLite ({int64_key}): one B-tree per insert instead of two.
constexpr const char* audit_sql = R"(
CREATE TABLE audit (
  seq {int64_key},
  ts_ms BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  team TEXT NOT NULL,
  model TEXT NOT NULL,
  target TEXT NOT NULL,
  version TEXT NOT NULL,
  status INTEGER NOT NULL,
  prompt_tokens BIGINT NOT NULL,
  completion_tokens BIGINT NOT NULL,
  cost_micro_usd BIGINT NOT NULL,
  content TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_ts ON audit (ts_ms);
CREATE INDEX audit_by_request ON audit (request_id);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)";

// One rating per request (a second replaces the first), beside the audit record it rates; the
// model, version and key repeat the record's, for per-version summaries without a join.
constexpr const char* feedback_sql = R"(
CREATE TABLE feedback (
  request_id TEXT PRIMARY KEY,
  key_name TEXT NOT NULL,
  model TEXT NOT NULL,
  target TEXT NOT NULL,
  version TEXT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  comment TEXT NOT NULL,
  ts_ms BIGINT NOT NULL
);
CREATE INDEX feedback_by_version ON feedback (target, version);
)";

// API keys made with `switchyard keys`: a salted hash of each secret, never the secret; the
// prefix finds a key's row on the request path (ops/key_secret.h). Revoked keys stay, for their
// history. keys_generation moves with every change: what replicas poll.
constexpr const char* api_keys_sql = R"(
CREATE TABLE api_keys (
  name TEXT PRIMARY KEY,
  prefix TEXT NOT NULL,
  salt TEXT NOT NULL,
  hash TEXT NOT NULL,
  role TEXT NOT NULL,
  team TEXT NOT NULL,
  models TEXT NOT NULL,
  requests_per_minute BIGINT NOT NULL,
  tokens_per_minute BIGINT NOT NULL,
  usd_per_month DOUBLE PRECISION NOT NULL,
  expires_ms BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  revoked_ms BIGINT NOT NULL,
  revoked_by TEXT NOT NULL
);
CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
INSERT INTO meta (key, value) VALUES ('keys_generation', '0');
)";

constexpr Migration all[] = {
    {1, "registry", registry_sql},
    {2, "audit", audit_sql},
    {3, "feedback", feedback_sql},
    {4, "api_keys", api_keys_sql},
};

}  // namespace

std::span<const Migration> migrations() { return all; }

std::string migration_sql(const Migration& m, std::string_view dialect) {
  std::string sql = m.sql;
  const std::string token = "{int64_key}";
  const char* key = dialect == "sqlite" ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY";
  for (size_t pos = sql.find(token); pos != std::string::npos; pos = sql.find(token, pos)) sql.replace(pos, token.size(), key);
  return sql;
}

}  // namespace sy::store
