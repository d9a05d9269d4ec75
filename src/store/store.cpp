// Store: opening, and the versioned migrations. The registry, audit and usage parts are in
// store_registry.cpp, store_audit.cpp and store_usage.cpp.
#include "store/store.h"

#include <set>

#include "store/store_internal.h"
#include "store/store_schema.h"

namespace sy::store {

using detail::failed;

core::Result<std::unique_ptr<Store>> Store::open(const std::string& url, const DbOptions& options) {
  auto db = open_db(url, options);
  if (!db) return db.error();
  auto store = std::make_unique<Store>(std::move(*db));
  if (auto s = store->migrate(); !s) return s.error();
  return store;
}

Store::Store(std::unique_ptr<Db> db) : db_(std::move(db)) {}

core::Status Store::migrate() {
  std::lock_guard lock(mu_);
  Db& db = *db_;
  // Fast path, no lock: a database that is up to date is only read.
  std::set<int64_t> applied;
  if (auto rows = db.query("SELECT version FROM schema_migrations")) {
    for (const auto& r : *rows) applied.insert(r.integer(0));
  } else {
    // Most likely a new database. Create the table under the write lock: two processes starting
    // at once would otherwise race on CREATE TABLE (PostgreSQL fails one of them).
    detail::WriteTx tx(db);
    if (auto s = tx.begin(); !s) return failed("migrate", s.error());
    auto s = db.exec_script("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)");
    if (!s) return failed("migrate", s.error());
    if (auto c = tx.commit(); !c) return failed("migrate", c.error());
  }

  for (const Migration& m : migrations()) {
    if (applied.contains(m.version)) continue;
    detail::WriteTx tx(db);
    if (auto s = tx.begin(); !s) return failed("migrate", s.error());
    // Re-check under the lock: another process may have applied it since we looked.
    const Value version[] = {int64_t{m.version}};
    auto done = db.query("SELECT 1 FROM schema_migrations WHERE version = $1", version);
    if (!done) return failed("migrate", done.error());
    if (!done->empty()) continue;  // the transaction rolls back: nothing was written

    std::string what = "migration " + std::to_string(m.version) + " (" + m.name + ")";
    if (auto s = db.exec_script(migration_sql(m, db.dialect())); !s) return failed(what.c_str(), s.error());
    const Value record[] = {int64_t{m.version}, detail::now_ms()};
    if (auto s = db.exec("INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)", record); !s)
      return failed(what.c_str(), s.error());
    if (auto s = tx.commit(); !s) return failed(what.c_str(), s.error());
  }
  return core::Ok{};
}

int Store::schema_version() {
  std::lock_guard lock(mu_);
  auto rows = db_->query("SELECT MAX(version) FROM schema_migrations");
  if (!rows || rows->empty()) return 0;  // no table yet (or unreadable): nothing applied
  return static_cast<int>(rows->front().integer(0));
}

}  // namespace sy::store
