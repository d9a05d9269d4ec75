#pragma once
// store::Db over PostgreSQL (libpq): the shared store that replicas use together. Parameters go
// as text ($1..$n is PostgreSQL's own syntax) and the server infers their types from the
// statement; results come back as int64 (int2/4/8, bool), double (float4/8, numeric), text, or
// NULL. A connection that broke is re-opened before the next statement outside a transaction.
//
// The URL may carry a password: no error from here contains it (messages show redact_url(url)
// and have the password scrubbed from what libpq or the server says).
//
// One connection; not for two threads at once (Store serializes its calls).
#include <memory>
#include <string>
#include <vector>

#include "store/db.h"

struct pg_conn;
struct pg_result;

namespace sy::store {

class PostgresDb final : public Db {
 public:
  static core::Result<std::unique_ptr<PostgresDb>> open(const std::string& url, const DbOptions& options);
  ~PostgresDb() override;

  core::Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params = {}) override;
  core::Status exec_script(std::string_view sql) override;
  // BEGIN, then a transaction-level advisory lock that every switchyard writer on this database
  // takes: writers from all replicas run one at a time, in one order.
  core::Status begin_write() override;
  core::Status commit() override;
  void rollback() override;
  std::string_view dialect() const override { return "postgres"; }

 private:
  struct Finish {
    void operator()(pg_conn* conn) const;
  };
  struct Clear {
    void operator()(pg_result* res) const;
  };
  using ResultPtr = std::unique_ptr<pg_result, Clear>;

  PostgresDb(std::string url, std::vector<std::string> secrets, const DbOptions& options);
  core::Status connect();
  core::Status reconnect_if_broken();
  core::Result<ResultPtr> run(const std::string& sql, const char* what);
  std::string scrub(std::string message) const;
  core::Error server_error(const char* what, const pg_result* res) const;

  std::string url_;                   // for reconnecting; never put in a message
  std::vector<std::string> secrets_;  // the password as written in the URL and decoded
  DbOptions options_;
  std::unique_ptr<pg_conn, Finish> conn_;
  bool in_transaction_ = false;
};

}  // namespace sy::store
