#include "store/postgres_db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace sy::store {

namespace {

// The one advisory lock key of switchyard writers ("swtchyrd" in ASCII). Advisory locks are per
// database, so unrelated databases on one server do not contend.
constexpr const char* lock_sql = "SELECT pg_advisory_xact_lock(8319104457541268068)";
constexpr const char* connect_timeout_s = "5";

// Type OIDs from PostgreSQL's catalog/pg_type.h (stable across versions; the header is in the
// server development package, not libpq's).
enum : Oid {
  bool_oid = 16,
  int8_oid = 20,
  int2_oid = 21,
  int4_oid = 23,
  oid_oid = 26,
  float4_oid = 700,
  float8_oid = 701,
  numeric_oid = 1700,
};

void ignore_notice(void*, const char*) {}  // "relation exists, skipping" and the like

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

}  // namespace

void PostgresDb::Finish::operator()(pg_conn* conn) const { PQfinish(conn); }
void PostgresDb::Clear::operator()(pg_result* res) const { PQclear(res); }

PostgresDb::PostgresDb(std::string url, std::vector<std::string> secrets, const DbOptions& options)
    : url_(std::move(url)), secrets_(std::move(secrets)), options_(options) {}
PostgresDb::~PostgresDb() = default;

std::string PostgresDb::scrub(std::string message) const {
  for (const auto& secret : secrets_) {
    for (size_t pos = message.find(secret); pos != std::string::npos; pos = message.find(secret, pos + 3))
      message.replace(pos, secret.size(), "***");
  }
  return trim(std::move(message));
}

core::Error PostgresDb::server_error(const char* what, const pg_result* res) const {
  std::string message = res ? PQresultErrorMessage(res) : "";
  if (message.empty()) message = PQerrorMessage(conn_.get());
  if (message.empty()) message = "no result";
  return core::Error::unavailable(std::string("postgres ") + what + ": " + scrub(message));
}

core::Result<std::unique_ptr<PostgresDb>> PostgresDb::open(const std::string& url, const DbOptions& options) {
  std::vector<std::string> secrets = url_passwords(url);
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed) {
    for (PQconninfoOption* o = parsed; o->keyword; ++o)
      if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) secrets.emplace_back(o->val);
    PQconninfoFree(parsed);
  }
  secrets.erase(std::remove(secrets.begin(), secrets.end(), std::string()), secrets.end());
  // Longest first, so a password is scrubbed whole before any shorter form inside it.
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });

  std::unique_ptr<PostgresDb> db(new PostgresDb(url, std::move(secrets), options));
  if (!parsed) {
    std::string why = parse_error ? parse_error : "cannot parse";
    PQfreemem(parse_error);
    return core::Error::invalid_request("invalid PostgreSQL URL " + redact_url(url) + ": " + db->scrub(why));
  }
  if (auto s = db->connect(); !s) return s.error();
  return db;
}

core::Status PostgresDb::connect() {
  // The URL's own settings win over these defaults: expand_dbname applies them after.
  const char* keys[] = {"connect_timeout", "fallback_application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {connect_timeout_s, "switchyard", "UTF8", url_.c_str(), nullptr};
  conn_.reset(PQconnectdbParams(keys, values, 1));
  if (!conn_) return core::Error::unavailable("postgres connect: out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    return core::Error::unavailable("postgres cannot connect to " + redact_url(url_) + ": " +
                                    scrub(PQerrorMessage(conn_.get())));
  PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
  if (!options_.durable) {
    auto res = run("SET synchronous_commit = off", "set synchronous_commit");
    if (!res) return res.error();
  }
  return core::Ok{};
}

core::Status PostgresDb::reconnect_if_broken() {
  // Inside a transaction a lost connection has lost the transaction: the statement fails, the
  // caller rolls back, and the next statement or transaction reconnects.
  if (in_transaction_ || (conn_ && PQstatus(conn_.get()) == CONNECTION_OK)) return core::Ok{};
  return connect();
}

core::Result<PostgresDb::ResultPtr> PostgresDb::run(const std::string& sql, const char* what) {
  ResultPtr res(PQexec(conn_.get(), sql.c_str()));
  auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return server_error(what, res.get());
  return res;
}

core::Result<std::vector<Row>> PostgresDb::query(std::string_view sql, std::span<const Value> params) {
  if (auto s = reconnect_if_broken(); !s) return s.error();
  std::vector<std::string> texts;
  std::vector<const char*> values;
  texts.reserve(params.size());
  values.reserve(params.size());
  for (const Value& v : params) {
    texts.push_back(value_text(v));
    values.push_back(std::holds_alternative<std::monostate>(v) ? nullptr : texts.back().c_str());
  }
  std::string text(sql);
  ResultPtr res(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0));
  auto status = PQresultStatus(res.get());
  if (status == PGRES_COMMAND_OK) return std::vector<Row>{};
  if (status != PGRES_TUPLES_OK) return server_error("query", res.get());

  int nrows = PQntuples(res.get()), ncols = PQnfields(res.get());
  std::vector<Row> rows(nrows);
  for (int c = 0; c < ncols; ++c) {
    Oid type = PQftype(res.get(), c);
    for (int r = 0; r < nrows; ++r) {
      auto& out = rows[r].columns;
      if (c == 0) out.reserve(ncols);
      if (PQgetisnull(res.get(), r, c)) {
        out.emplace_back(std::monostate{});
        continue;
      }
      const char* v = PQgetvalue(res.get(), r, c);
      size_t len = PQgetlength(res.get(), r, c);
      switch (type) {
        case int2_oid:
        case int4_oid:
        case int8_oid:
        case oid_oid: {
          int64_t n = 0;
          std::from_chars(v, v + len, n);
          out.emplace_back(n);
          break;
        }
        case bool_oid: out.emplace_back(int64_t{*v == 't' ? 1 : 0}); break;
        case float4_oid:
        case float8_oid:
        case numeric_oid: {
          double d = 0;
          std::from_chars(v, v + len, d);
          out.emplace_back(d);
          break;
        }
        default: out.emplace_back(std::string(v, len));
      }
    }
  }
  return rows;
}

core::Status PostgresDb::exec_script(std::string_view sql) {
  if (auto s = reconnect_if_broken(); !s) return s.error();
  auto res = run(std::string(sql), "exec");
  if (!res) return res.error();
  return core::Ok{};
}

core::Status PostgresDb::begin_write() {
  if (auto s = reconnect_if_broken(); !s) return s.error();
  if (auto res = run("BEGIN", "begin"); !res) return res.error();
  in_transaction_ = true;
  if (auto res = run(lock_sql, "write lock"); !res) {
    rollback();
    return res.error();
  }
  return core::Ok{};
}

core::Status PostgresDb::commit() {
  auto res = run("COMMIT", "commit");
  if (!res) return res.error();
  // COMMIT of a transaction that already failed succeeds as a command but rolls back.
  if (std::strcmp(PQcmdStatus(res->get()), "ROLLBACK") == 0) {
    in_transaction_ = false;
    return core::Error::unavailable("postgres commit: the transaction had failed and was rolled back");
  }
  in_transaction_ = false;
  return core::Ok{};
}

void PostgresDb::rollback() {
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK && PQtransactionStatus(conn_.get()) != PQTRANS_IDLE)
    ResultPtr(PQexec(conn_.get(), "ROLLBACK"));
  in_transaction_ = false;
}

}  // namespace sy::store
