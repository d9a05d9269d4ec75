// Store: the model registry. Every mutation runs in one write transaction that also bumps
// meta.registry_generation, so a reader that sees the generation unchanged saw no change.
#include <algorithm>
#include <cmath>
#include <tuple>

#include <boost/json/parse.hpp>

#include "store/store.h"
#include "store/store_internal.h"

namespace sy::store {

using core::Error;
using detail::conflict;
using detail::failed;

namespace {

constexpr const char* version_columns =
    "model, version, path, upstream_model, sha256, parameters, quantization, notes, eval, author, created_ms, state, "
    "retired_ms, state_author";

ModelVersion to_version(const Row& r) {
  ModelVersion v;
  v.model = r.text(0);
  v.version = r.text(1);
  v.path = r.text(2);
  v.upstream_model = r.text(3);
  v.sha256 = r.text(4);
  v.parameters = r.text(5);
  v.quantization = r.text(6);
  v.notes = r.text(7);
  v.eval = r.text(8);
  v.author = r.text(9);
  v.created_ms = r.integer(10);
  v.state = r.text(11);
  v.retired_ms = r.integer(12);
  v.state_author = r.text(13);
  return v;
}

Alias to_alias(const Row& r) {
  return Alias{r.text(0), r.text(1), r.text(2), r.real(3), r.text(4), r.integer(5)};
}

// Names are keys in URLs, metrics and logs: no control characters, and not unbounded.
core::Status check_name(const char* what, const std::string& s) {
  if (s.empty() || s.size() > 256) return Error::invalid_request(std::string(what) + " must be 1 to 256 characters", what);
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return Error::invalid_request(std::string(what) + " must not hold control characters", what);
  return core::Ok{};
}

core::Status check_state(const std::string& state) {
  if (state == "active" || state == "retired") return core::Ok{};
  return Error::invalid_request("state must be active or retired, not '" + state + "'", "state");
}

core::Status check_json_object(const char* what, const std::string& text) {
  if (text.empty()) return core::Ok{};
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return Error::invalid_request(std::string(what) + " must be a JSON object", what);
  return core::Ok{};
}

core::Result<int64_t> read_generation(Db& db) {
  auto rows = db.query("SELECT value FROM meta WHERE key = 'registry_generation'");
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front().integer(0);
}

core::Status bump_generation(Db& db) {
  return db.exec("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'registry_generation'");
}

// The version's state, or 404.
core::Result<std::string> version_state(Db& db, const std::string& model, const std::string& version) {
  const Value params[] = {model, version};
  auto rows = db.query("SELECT state FROM model_versions WHERE model = $1 AND version = $2", params);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found("model '" + model + "' has no version '" + version + "'");
  return rows->front().text(0);
}

core::Status record_alias_change(Db& db, const std::string& model, const std::string& alias, const Value& version,
                                 double percent, const std::string& author) {
  // Writers hold the write lock, so MAX(id) + 1 is unique without a dialect's sequence type.
  auto next = db.query("SELECT COALESCE(MAX(id), 0) + 1 FROM alias_history");
  if (!next) return next.error();
  const Value params[] = {next->front().integer(0), model, alias, version, percent, author, detail::now_ms()};
  return db.exec(
      "INSERT INTO alias_history (id, model, alias, version, percent, author, ts_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      params);
}

// A registry mutation: `body` runs inside a write transaction; the generation is bumped and the
// transaction committed only when it succeeds and says it changed something.
template <class Body>
core::Status mutate(Db& db, const char* op, Body body) {
  detail::WriteTx tx(db);
  if (auto s = tx.begin(); !s) return failed(op, s.error());
  core::Result<bool> changed = body();
  if (!changed) {
    // Refusals (400/404/409) are the caller's to see as they are; backend failures name the op.
    return changed.error().status >= 500 ? failed(op, changed.error()) : changed.error();
  }
  if (!*changed) return core::Ok{};
  if (auto s = bump_generation(db); !s) return failed(op, s.error());
  if (auto s = tx.commit(); !s) return failed(op, s.error());
  return core::Ok{};
}

}  // namespace

core::Result<int64_t> Store::generation() {
  std::lock_guard lock(mu_);
  auto g = read_generation(*db_);
  if (!g) return failed("generation", g.error());
  return g;
}

core::Result<RegistryState> Store::load_registry() {
  std::lock_guard lock(mu_);
  // Without a read transaction in the Db interface, consistency comes from the generation: if it
  // is the same before and after the reads, no mutation committed in between.
  for (int attempt = 0;; ++attempt) {
    bool locked = attempt == 3;  // a registry changing that often: read under the write lock
    detail::WriteTx tx(*db_);
    if (locked) {
      if (auto s = tx.begin(); !s) return failed("load_registry", s.error());
    }
    auto before = read_generation(*db_);
    if (!before) return failed("load_registry", before.error());
    auto versions = db_->query(std::string("SELECT ") + version_columns + " FROM model_versions");
    if (!versions) return failed("load_registry", versions.error());
    auto aliases = db_->query("SELECT model, alias, version, percent, author, updated_ms FROM model_aliases");
    if (!aliases) return failed("load_registry", aliases.error());
    auto after = read_generation(*db_);
    if (!after) return failed("load_registry", after.error());
    if (*before != *after && !locked) continue;

    RegistryState state;
    state.generation = *after;
    for (const auto& r : *versions) state.versions.push_back(to_version(r));
    for (const auto& r : *aliases) state.aliases.push_back(to_alias(r));
    // Sorted here, not in SQL: PostgreSQL orders text by the database's collation, SQLite by bytes.
    std::sort(state.versions.begin(), state.versions.end(), [](const auto& a, const auto& b) {
      return std::tie(a.model, a.created_ms, a.version) < std::tie(b.model, b.created_ms, b.version);
    });
    std::sort(state.aliases.begin(), state.aliases.end(),
              [](const auto& a, const auto& b) { return std::tie(a.model, a.alias) < std::tie(b.model, b.alias); });
    return state;
  }
}

core::Status Store::add_version(ModelVersion v) {
  if (auto s = check_name("model", v.model); !s) return s;
  if (auto s = check_name("version", v.version); !s) return s;
  if (auto s = check_state(v.state); !s) return s;
  if (auto s = check_json_object("parameters", v.parameters); !s) return s;
  if (auto s = check_json_object("eval", v.eval); !s) return s;
  if (v.created_ms == 0) v.created_ms = detail::now_ms();
  if (v.state == "retired" && v.retired_ms == 0) v.retired_ms = v.created_ms;

  std::lock_guard lock(mu_);
  Db& db = *db_;
  return mutate(db, "add_version", [&]() -> core::Result<bool> {
    auto existing = version_state(db, v.model, v.version);
    if (existing) return conflict("model '" + v.model + "' has a version '" + v.version + "' already");
    if (existing.error().status != 404) return existing.error();
    const Value params[] = {v.model,   v.version, v.path,   v.upstream_model, v.sha256,     v.parameters, v.quantization,
                            v.notes,   v.eval,    v.author, v.created_ms,     v.state,      v.retired_ms, v.state_author};
    auto s = db.exec(std::string("INSERT INTO model_versions (") + version_columns +
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                     params);
    if (!s) return s.error();
    return true;
  });
}

core::Status Store::set_alias(const std::string& model, const std::string& alias, const std::string& version,
                              double percent, const std::string& author) {
  if (auto s = check_name("model", model); !s) return s;
  if (auto s = check_name("alias", alias); !s) return s;
  if (auto s = check_name("version", version); !s) return s;
  if (!std::isfinite(percent) || percent < 0 || percent > 100)
    return Error::invalid_request("percent must be between 0 and 100", "percent");

  std::lock_guard lock(mu_);
  Db& db = *db_;
  return mutate(db, "set_alias", [&]() -> core::Result<bool> {
    auto state = version_state(db, model, version);
    if (!state) return state.error();
    if (*state != "active")
      return conflict("version '" + version + "' of model '" + model + "' is " + *state + ": an alias cannot name it");
    const Value params[] = {model, alias, version, percent, author, detail::now_ms()};
    auto s = db.exec(
        "INSERT INTO model_aliases (model, alias, version, percent, author, updated_ms) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, percent = excluded.percent, "
        "author = excluded.author, updated_ms = excluded.updated_ms",
        params);
    if (!s) return s.error();
    if (auto h = record_alias_change(db, model, alias, version, percent, author); !h) return h.error();
    return true;
  });
}

core::Status Store::remove_alias(const std::string& model, const std::string& alias, const std::string& author) {
  std::lock_guard lock(mu_);
  Db& db = *db_;
  return mutate(db, "remove_alias", [&]() -> core::Result<bool> {
    const Value key[] = {model, alias};
    auto rows = db.query("SELECT version FROM model_aliases WHERE model = $1 AND alias = $2", key);
    if (!rows) return rows.error();
    if (rows->empty()) return Error::not_found("model '" + model + "' has no alias '" + alias + "'");
    if (auto s = db.exec("DELETE FROM model_aliases WHERE model = $1 AND alias = $2", key); !s) return s.error();
    if (auto h = record_alias_change(db, model, alias, Value{}, 0.0, author); !h) return h.error();
    return true;
  });
}

core::Result<std::vector<AliasChange>> Store::alias_history(const std::string& model, const std::string& alias) {
  std::lock_guard lock(mu_);
  const Value key[] = {model, alias};
  auto rows = db_->query(
      "SELECT id, model, alias, version, percent, author, ts_ms FROM alias_history WHERE model = $1 AND alias = $2 "
      "ORDER BY id",
      key);
  if (!rows) return failed("alias_history", rows.error());
  std::vector<AliasChange> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    AliasChange c{r.integer(0), r.text(1), r.text(2), std::nullopt, r.real(4), r.text(5), r.integer(6)};
    if (!r.is_null(3)) c.version = r.text(3);
    out.push_back(std::move(c));
  }
  return out;
}

core::Result<std::optional<std::string>> Store::previous_alias_version(const std::string& model,
                                                                       const std::string& alias) {
  auto history = alias_history(model, alias);
  if (!history) return history.error();
  // See store.h: a stack of versions, where going back to the one under the top is a pop.
  std::vector<std::string> stack;
  for (const auto& change : *history) {
    if (!change.version) continue;  // removals are not versions to go back to
    const std::string& v = *change.version;
    if (!stack.empty() && stack.back() == v) continue;
    if (stack.size() >= 2 && stack[stack.size() - 2] == v) {
      stack.pop_back();
    } else {
      stack.push_back(v);
    }
  }
  if (stack.size() < 2) return std::optional<std::string>();
  return std::optional<std::string>(stack[stack.size() - 2]);
}

core::Status Store::set_version_eval(const std::string& model, const std::string& version, const std::string& eval_json) {
  std::lock_guard lock(mu_);
  Db& db = *db_;
  return mutate(db, "set_version_eval", [&]() -> core::Result<bool> {
    if (auto current = version_state(db, model, version); !current) return current.error();
    const Value params[] = {model, version, eval_json};
    if (auto s = db.exec("UPDATE model_versions SET eval = $3 WHERE model = $1 AND version = $2", params); !s) {
      return s.error();
    }
    return true;
  });
}

core::Status Store::set_version_state(const std::string& model, const std::string& version, const std::string& state,
                                      const std::string& author) {
  if (auto s = check_state(state); !s) return s;
  std::lock_guard lock(mu_);
  Db& db = *db_;
  return mutate(db, "set_version_state", [&]() -> core::Result<bool> {
    auto current = version_state(db, model, version);
    if (!current) return current.error();
    if (*current == state) return false;  // nothing changes, nothing to bump
    if (state == "retired") {
      const Value key[] = {model, version};
      auto aliases = db.query("SELECT alias FROM model_aliases WHERE model = $1 AND version = $2", key);
      if (!aliases) return aliases.error();
      if (!aliases->empty()) {
        std::vector<std::string> names;
        for (const auto& r : *aliases) names.push_back(std::string("'").append(r.text(0)).append("'"));
        std::sort(names.begin(), names.end());
        std::string list = names.front();
        for (size_t i = 1; i < names.size(); ++i) list += ", " + names[i];
        return conflict("version '" + version + "' of model '" + model + "' is named by alias " + list +
                        ": move the alias before retiring it");
      }
    }
    int64_t retired_ms = state == "retired" ? detail::now_ms() : 0;
    const Value params[] = {model, version, state, retired_ms, author};
    auto s = db.exec(
        "UPDATE model_versions SET state = $3, retired_ms = $4, state_author = $5 WHERE model = $1 AND version = $2",
        params);
    if (!s) return s.error();
    return true;
  });
}

}  // namespace sy::store
