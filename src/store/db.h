#pragma once
// One SQL connection. The two backends (SQLite, PostgreSQL) differ only behind this interface;
// everything above it (store.cpp: migrations, registry, audit, usage) is written once, in the SQL
// both understand. Parameters are written $1, $2, ... in both dialects.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace sy::store {

// NULL, integer, real or text. Hashes and JSON are stored as text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Row {
  std::vector<Value> columns;
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(columns.at(i)); }
  int64_t integer(size_t i) const;       // 0 for NULL; text is parsed
  double real(size_t i) const;           // 0 for NULL
  std::string text(size_t i) const;      // "" for NULL; numbers are formatted
};

// A value as text, as Row::text gives it ("" for NULL): how parameters travel to PostgreSQL.
std::string value_text(const Value& v);

struct DbOptions {
  // Whether a commit returns only once the transaction is on disk (SQLite synchronous=FULL,
  // PostgreSQL synchronous_commit=on). Off: committed data may be lost in a crash for a short
  // window (SQLite synchronous=NORMAL in WAL mode, PostgreSQL synchronous_commit=off).
  bool durable = true;
};

class Db {
 public:
  virtual ~Db() = default;
  // Runs one statement and returns its rows (none for statements that return none).
  virtual core::Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params = {}) = 0;
  core::Status exec(std::string_view sql, std::span<const Value> params = {});
  // Runs statements separated by ';' with no parameters (migrations).
  virtual core::Status exec_script(std::string_view sql) = 0;
  // A transaction that will write. Writers are serialized across connections and processes:
  // SQLite BEGIN IMMEDIATE; PostgreSQL BEGIN plus a transaction-level advisory lock, so replicas
  // sharing one database append to one audit chain in one order.
  virtual core::Status begin_write() = 0;
  virtual core::Status commit() = 0;
  virtual void rollback() = 0;
  virtual std::string_view dialect() const = 0;  // "sqlite" | "postgres"
};

// "sqlite:PATH", "sqlite::memory:" (private to this process; every connection opened with the
// same URL in one process sees the same database), "postgres://user@host:port/db" or
// "postgresql://...".
core::Result<std::unique_ptr<Db>> open_db(const std::string& url, const DbOptions& options = {});

// The URL with any password replaced by "***" (userinfo and a password= query parameter), for
// logs and error messages: a PostgreSQL URL may carry the database password.
std::string redact_url(std::string_view url);
// The passwords as written in the URL (the same places redact_url hides), for scrubbing them from
// messages that might quote them.
std::vector<std::string> url_passwords(std::string_view url);

}  // namespace sy::store
