#include "store/sqlite_db.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

namespace sy::store {

namespace {

constexpr int busy_timeout_ms = 5000;
// Statements a connection keeps prepared. Store uses a few dozen distinct texts; past this the
// cache is dropped wholesale rather than tracking use (it refills within a few calls).
constexpr size_t max_cached_statements = 128;

// The shared in-memory database. The memdb VFS (a name starting with '/') gives one database to
// every connection in the process that names it, with ordinary file locking, so the busy timeout
// covers it. A shared-cache ":memory:" database would instead fail with SQLITE_LOCKED, which no
// busy timeout retries.
std::string memory_uri() { return "file:/switchyard-mem-" + std::to_string(::getpid()) + "?vfs=memdb"; }

bool only_space(const char* s) {
  for (; *s; ++s)
    if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r' && *s != ';') return false;
  return true;
}

}  // namespace

void SqliteDb::Close::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void SqliteDb::Finalize::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

SqliteDb::SqliteDb(sqlite3* db) : db_(db) {}
SqliteDb::~SqliteDb() {
  statements_.clear();  // before db_ (also guaranteed by member order; said here for the reader)
}

core::Error SqliteDb::error(const std::string& what) const {
  return core::Error::unavailable("sqlite " + what + ": " + sqlite3_errmsg(db_.get()));
}

core::Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& target, const DbOptions& options) {
  if (target.empty()) return core::Error::invalid_request("sqlite store URL needs a path: sqlite:PATH or sqlite::memory:");
  bool memory = target == ":memory:";
  std::string name = memory ? memory_uri() : target;
  if (!memory) {
    // "sqlite:var/switchyard.db" should work on a fresh checkout; a failure here shows up as the
    // open error below, which names the path.
    std::error_code ec;
    auto parent = std::filesystem::path(target).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }

  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));  // owns raw even when the open failed
  if (rc != SQLITE_OK) {
    std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return core::Error::unavailable("sqlite cannot open '" + target + "': " + why);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);

  // journal_mode=WAL is a no-op for the in-memory database (it keeps "memory").
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=") +
                        (options.durable ? "FULL" : "NORMAL") + ";";
  if (auto s = db->exec_script(pragmas); !s) return s.error();
  return db;
}

core::Result<SqliteDb::Prepared*> SqliteDb::prepare(std::string_view sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return &it->second;
  if (statements_.size() >= max_cached_statements) statements_.clear();
  std::string key(sql);

  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), key.c_str(), static_cast<int>(key.size() + 1), SQLITE_PREPARE_PERSISTENT,
                              &raw, &tail);
  std::unique_ptr<sqlite3_stmt, Finalize> stmt(raw);
  if (rc != SQLITE_OK) return error("prepare");
  if (!stmt) return core::Error::internal("sqlite prepare: empty statement");
  if (tail && !only_space(tail)) return core::Error::internal("sqlite prepare: one statement per query (use exec_script)");
  Prepared prepared{std::move(stmt), {}};
  int count = sqlite3_bind_parameter_count(prepared.stmt.get());
  prepared.index.resize(count);
  for (int i = 0; i < count; ++i) {
    std::string name = std::string("$").append(std::to_string(i + 1));
    prepared.index[i] = sqlite3_bind_parameter_index(prepared.stmt.get(), name.c_str());
  }
  return &statements_.emplace(std::move(key), std::move(prepared)).first->second;
}

core::Result<std::vector<Row>> SqliteDb::query(std::string_view sql, std::span<const Value> params) {
  auto prepared = prepare(sql);
  if (!prepared) return prepared.error();
  sqlite3_stmt* stmt = (*prepared)->stmt.get();
  const std::vector<int>& indexes = (*prepared)->index;
  // Leave the statement reusable (and its locks released) however this returns.
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{stmt};

  // $1..$n in both dialects: bound by name, so "$2 ... $1 ... $2" works as in PostgreSQL.
  if (indexes.size() != params.size())
    return core::Error::internal("sqlite: statement takes " + std::to_string(indexes.size()) + " parameters, " +
                                 std::to_string(params.size()) + " given");
  for (size_t i = 0; i < params.size(); ++i) {
    int index = indexes[i];
    if (index == 0) return core::Error::internal("sqlite: statement has no parameter $" + std::to_string(i + 1));
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (auto p = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *p);
    } else if (auto p = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *p);
    } else if (auto p = std::get_if<std::string>(&v)) {
      // Static: params outlive the statement's use (it is reset before query returns).
      rc = sqlite3_bind_text64(stmt, index, p->data(), p->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, index);
    }
    if (rc != SQLITE_OK) return error("bind $" + std::to_string(i + 1));
  }

  std::vector<Row> rows;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error("step");
    Row row;
    int n = sqlite3_column_count(stmt);
    row.columns.reserve(n);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.columns.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_FLOAT: row.columns.emplace_back(sqlite3_column_double(stmt, c)); break;
        case SQLITE_NULL: row.columns.emplace_back(std::monostate{}); break;
        default: {  // TEXT, BLOB
          auto data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
          row.columns.emplace_back(std::string(data ? data : "", sqlite3_column_bytes(stmt, c)));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

core::Status SqliteDb::exec_script(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return core::Ok{};
  std::string why = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return core::Error::unavailable("sqlite exec: " + why);
}

// A kept statement, not sqlite3_exec: that would parse BEGIN and COMMIT anew on every
// transaction, twice per audit batch.
core::Status SqliteDb::run(const char* sql, const char* what) {
  int rc = SQLITE_OK;
  if (auto prepared = prepare(sql); !prepared) {
    rc = sqlite3_errcode(db_.get());
  } else {
    sqlite3_stmt* stmt = (*prepared)->stmt.get();
    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE) return core::Ok{};
  }
  // The code's text, as sqlite3_exec without an error pointer gave it.
  return core::Error::unavailable(std::string("sqlite ") + what + ": " + sqlite3_errstr(rc));
}

// IMMEDIATE takes the write lock now (waiting up to the busy timeout), so what the transaction
// reads next is what no other writer can change before it commits.
core::Status SqliteDb::begin_write() { return run("BEGIN IMMEDIATE", "begin"); }
core::Status SqliteDb::commit() { return run("COMMIT", "commit"); }

void SqliteDb::rollback() {
  if (!sqlite3_get_autocommit(db_.get())) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace sy::store
