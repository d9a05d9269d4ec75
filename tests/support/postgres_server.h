#pragma once
// A throwaway PostgreSQL 15 server for tests and benchmarks: initdb into a fresh temporary
// directory, `postgres` on a free 127.0.0.1 port (its unix socket inside that directory, fsync
// on: the durability the store promises is PostgreSQL's), a database "switchyard", a password
// login. The destructor stops it (immediate shutdown, by its own PID) and removes the directory.
//
//   sy::testing::PostgresServer pg;
//   if (!pg.ok()) GTEST_SKIP() << pg.error();   // or FAIL(): pg.missing() says which
//   auto store = sy::store::Store::open(pg.url());
//
// PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres` system
// user (from the postgresql-common package), with the directory given to it.
//
// The server is this process's child and is told to shut down if the thread that started it
// exits (PR_SET_PDEATHSIG): start it from a thread that outlives it, normally the main thread.
// Starting takes about a second (initdb is most of it): start one per process and make a
// database per test with create_database().
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace sy::testing {

struct PostgresServerOptions {
  std::string bin_dir;                             // "" = $SWITCHYARD_PG_BIN or /usr/lib/postgresql/15/bin
  std::chrono::seconds timeout{60};                // for initdb, and again for the server to accept logins
  std::vector<std::string> settings;               // more "name=value" server settings (-c)
};

class PostgresServer {
 public:
  explicit PostgresServer(PostgresServerOptions options = {});
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return ok_; }
  // The binaries are not installed (a reason to skip rather than fail).
  bool missing() const { return missing_; }
  // Why !ok(), with the tail of the server's log when it got that far.
  const std::string& error() const { return error_; }

  // postgres://switchyard:PASSWORD@127.0.0.1:PORT/switchyard
  const std::string& url() const { return url_; }
  std::string url_for(const std::string& database) const;
  // CREATE DATABASE `name` (letters, digits, '_'); its URL, or "" with *error set.
  std::string create_database(const std::string& name, std::string* error = nullptr);

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  const std::string& directory() const { return dir_; }
  // Wall time from the constructor's start to ready (initdb, start, the first database).
  double startup_seconds() const { return startup_seconds_; }

 private:
  bool start(const PostgresServerOptions& options);
  bool fail(std::string why);
  std::string log_tail() const;
  void stop();

  bool ok_ = false;
  bool missing_ = false;
  std::string error_;
  std::string dir_;
  std::string url_;
  std::string password_;
  int port_ = 0;
  pid_t pid_ = -1;
  uid_t uid_ = 0;  // whom initdb and postgres run as (when we are root)
  gid_t gid_ = 0;
  bool switch_user_ = false;
  double startup_seconds_ = 0;
};

}  // namespace sy::testing
