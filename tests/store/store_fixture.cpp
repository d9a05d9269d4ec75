#include "store/store_fixture.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace sy::store::testing {

sy::testing::PostgresServer& shared_postgres() {
  static sy::testing::PostgresServer server;
  static const bool reported = [] {
    if (server.ok()) std::printf("[postgres] server on port %d ready in %.2f s\n", server.port(), server.startup_seconds());
    return true;
  }();
  (void)reported;
  return server;
}

void StoreTest::SetUp() {
  static std::atomic<int> counter{0};
  int n = ++counter;
  if (is_postgres()) {
    auto& pg = shared_postgres();
    if (!pg.ok()) {
      if (pg.missing()) GTEST_SKIP() << pg.error();
      FAIL() << pg.error();
    }
    std::string error;
    url_ = pg.create_database("store_test_" + std::to_string(n), &error);
    ASSERT_FALSE(url_.empty()) << error;
  } else {
    dir_ = std::filesystem::temp_directory_path() /
           ("switchyard-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(n));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    url_ = "sqlite:" + (dir_ / "store.db").string();
  }
}

void StoreTest::TearDown() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::unique_ptr<Store> StoreTest::open_store(const DbOptions& options) {
  auto store = Store::open(url_, options);
  if (!store) {
    ADD_FAILURE() << "Store::open(" << redact_url(url_) << "): " << store.error().message;
    return nullptr;
  }
  return std::move(*store);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values(Backend::sqlite),
                         [](const auto&) { return std::string("sqlite"); });
INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest, ::testing::Values(Backend::postgres),
                         [](const auto&) { return std::string("postgres"); });

}  // namespace sy::store::testing
