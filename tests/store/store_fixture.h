#pragma once
// One store test suite, two backends. Every TEST_P(StoreTest, ...) runs once against SQLite (a
// file in a fresh temporary directory) and once against PostgreSQL (a fresh database on the one
// server this process starts, lazily, on first use). Instances are named Sqlite/... and
// Postgres/... so that ctest runs each backend in one process (tests/CMakeLists.txt).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"
#include "support/postgres_server.h"

namespace sy::store::testing {

enum class Backend { sqlite, postgres };

// The process's PostgreSQL server, started on first call (from the main thread: tests run there).
sy::testing::PostgresServer& shared_postgres();

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  bool is_postgres() const { return GetParam() == Backend::postgres; }
  // A database no other test uses, empty (not migrated).
  const std::string& url() const { return url_; }
  // A migrated Store on url(); fails the test (and returns null) if it cannot open.
  std::unique_ptr<Store> open_store(const DbOptions& options = {});

 private:
  std::filesystem::path dir_;
  std::string url_;
};

}  // namespace sy::store::testing
