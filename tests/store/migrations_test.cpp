// Versioned migrations: each applied once, recorded, and safe when several processes (here:
// connections on threads) open a new database at the same moment.
#include <thread>

#include "store/store_fixture.h"
#include "store/store_schema.h"

namespace sy::store::testing {
namespace {

std::vector<std::pair<int64_t, int64_t>> applied(Store& store) {
  std::vector<std::pair<int64_t, int64_t>> out;
  auto rows = store.db().query("SELECT version, applied_ms FROM schema_migrations ORDER BY version");
  if (!rows) {
    ADD_FAILURE() << rows.error().message;
    return out;
  }
  for (const auto& r : *rows) out.emplace_back(r.integer(0), r.integer(1));
  return out;
}

const int latest = migrations().back().version;

TEST_P(StoreTest, MigrationsAreAppliedOnceAndReopenIsIdempotent) {
  auto store = open_store();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), latest);
  auto first = applied(*store);
  ASSERT_EQ(first.size(), migrations().size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].first, migrations()[i].version);
    EXPECT_GT(first[i].second, 0);
  }
  // Every table the store uses is there (and the seeded rows: generation 0, empty chain).
  for (const char* table : {"meta", "model_versions", "model_aliases", "alias_history", "audit", "audit_head", "feedback"}) {
    EXPECT_TRUE(store->db().query(std::string("SELECT COUNT(*) FROM ") + table)) << table;
  }
  EXPECT_EQ(*store->generation(), 0);

  store.reset();
  auto again = open_store();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->schema_version(), latest);
  EXPECT_EQ(applied(*again), first);  // same rows, same applied_ms: nothing re-ran
  EXPECT_TRUE(again->migrate());
  EXPECT_EQ(applied(*again), first);
}

TEST_P(StoreTest, SchemaVersionIsZeroUntilMigrated) {
  auto db = open_db(url());
  ASSERT_TRUE(db) << db.error().message;
  Store store(std::move(*db));
  EXPECT_EQ(store.schema_version(), 0);
  ASSERT_TRUE(store.migrate());
  EXPECT_EQ(store.schema_version(), latest);
}

TEST_P(StoreTest, ConcurrentOpensApplyEachMigrationOnce) {
  constexpr int openers = 4;
  std::vector<std::unique_ptr<Store>> stores(openers);
  std::vector<std::string> errors(openers);
  std::vector<std::thread> threads;
  for (int i = 0; i < openers; ++i) {
    threads.emplace_back([&, i] {
      auto s = Store::open(url());
      if (s) {
        stores[i] = std::move(*s);
      } else {
        errors[i] = s.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < openers; ++i) ASSERT_TRUE(stores[i]) << errors[i];
  EXPECT_EQ(applied(*stores[0]).size(), migrations().size());
  for (auto& s : stores) EXPECT_EQ(s->schema_version(), latest);
  // The seed rows exist once, not once per opener.
  auto heads = stores[0]->db().query("SELECT COUNT(*) FROM audit_head");
  ASSERT_TRUE(heads);
  EXPECT_EQ(heads->front().integer(0), 1);
}

}  // namespace
}  // namespace sy::store::testing
