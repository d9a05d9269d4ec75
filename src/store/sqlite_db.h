#pragma once
// store::Db over SQLite 3: the embedded default. WAL (readers never wait for the writer), a 5 s
// busy timeout for writers from other connections and processes, foreign keys on, and
// synchronous=FULL when durable (each commit is fsynced) else NORMAL (WAL: a crash may lose the
// last commits, never corrupt). Statements are prepared once per connection and kept, keyed by
// their text, because the audit writer runs the same few statements thousands of times a second.
//
// One connection; not for two threads at once (Store serializes its calls).
#include <memory>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/db.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sy::store {

class SqliteDb final : public Db {
 public:
  // `target` is a file path (its folder is created if missing), or ":memory:" for an in-memory
  // database private to this process and shared by every connection opened with ":memory:" in it.
  // That database lives while at least one such connection is open; it is gone once all are closed.
  static core::Result<std::unique_ptr<SqliteDb>> open(const std::string& target, const DbOptions& options);
  ~SqliteDb() override;

  core::Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params = {}) override;
  core::Status exec_script(std::string_view sql) override;
  core::Status begin_write() override;
  core::Status commit() override;
  void rollback() override;
  std::string_view dialect() const override { return "sqlite"; }

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const;
  };

  // A prepared statement and where each of $1..$n binds. Looked up once at prepare:
  // sqlite3_bind_parameter_index is a linear search, and the audit writer's 64-row INSERT has 960
  // parameters.
  struct Prepared {
    std::unique_ptr<sqlite3_stmt, Finalize> stmt;
    std::vector<int> index;  // index[i] = the bind index of $(i+1); 0 = not in the statement
  };

  explicit SqliteDb(sqlite3* db);
  core::Result<Prepared*> prepare(std::string_view sql);
  core::Status run(const char* sql, const char* what);
  core::Error error(const std::string& what) const;

  std::unique_ptr<sqlite3, Close> db_;
  // Found by the text as given (a string_view): no copy of a 960-parameter INSERT per lookup.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Declared after db_ so that every statement is finalized before the connection closes.
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> statements_;
};

}  // namespace sy::store
