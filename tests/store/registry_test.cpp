// The model registry: versions, aliases, their history, rollback, retirement, the generation.
#include <cmath>

#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

constexpr auto npos = std::string::npos;

ModelVersion version(const std::string& model, const std::string& name, int64_t created_ms = 0) {
  ModelVersion v;
  v.model = model;
  v.version = name;
  v.path = "var/models/" + model + "-" + name + ".gguf";
  v.sha256 = std::string(64, 'a');
  v.parameters = R"({"temperature":0.2})";
  v.quantization = "Q4_K_M";
  v.notes = "notes for " + name;
  v.eval = R"({"accuracy":0.91})";
  v.author = "alice";
  v.created_ms = created_ms;
  return v;
}

TEST_P(StoreTest, AddVersionStoresEveryFieldAndRefusesDuplicates) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ModelVersion v = version("faq", "v1", 1'700'000'000'000);
  v.upstream_model = "gpt-4o-mini";
  ASSERT_TRUE(store->add_version(v));

  auto dup = store->add_version(version("faq", "v1"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().status, 409);
  EXPECT_NE(dup.error().message.find("v1"), npos) << dup.error().message;

  auto state = store->load_registry();
  ASSERT_TRUE(state) << state.error().message;
  ASSERT_EQ(state->versions.size(), 1u);
  const ModelVersion& got = state->versions[0];
  EXPECT_EQ(got.model, "faq");
  EXPECT_EQ(got.version, "v1");
  EXPECT_EQ(got.path, v.path);
  EXPECT_EQ(got.upstream_model, "gpt-4o-mini");
  EXPECT_EQ(got.sha256, v.sha256);
  EXPECT_EQ(got.parameters, v.parameters);
  EXPECT_EQ(got.quantization, "Q4_K_M");
  EXPECT_EQ(got.notes, "notes for v1");
  EXPECT_EQ(got.eval, v.eval);
  EXPECT_EQ(got.author, "alice");
  EXPECT_EQ(got.created_ms, 1'700'000'000'000);
  EXPECT_EQ(got.state, "active");
  EXPECT_EQ(got.retired_ms, 0);
  EXPECT_EQ(state->generation, 1);  // the duplicate did not bump it
}

TEST_P(StoreTest, AddVersionRejectsBadInput) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto no_model = version("", "v1");
  auto no_version = version("faq", "");
  auto bad_state = version("faq", "v1");
  bad_state.state = "deleted";
  auto bad_parameters = version("faq", "v1");
  bad_parameters.parameters = "[1, 2]";
  auto bad_eval = version("faq", "v1");
  bad_eval.eval = "{not json";
  auto control = version("faq", "v\n1");
  for (const auto& v : {no_model, no_version, bad_state, bad_parameters, bad_eval, control}) {
    auto s = store->add_version(v);
    ASSERT_FALSE(s) << v.model << "/" << v.version;
    EXPECT_EQ(s.error().status, 400) << s.error().message;
  }
  EXPECT_EQ(*store->generation(), 0);
  // Empty JSON fields are fine, and created_ms is filled in.
  auto plain = version("faq", "v1");
  plain.parameters.clear();
  plain.eval.clear();
  ASSERT_TRUE(store->add_version(plain));
  EXPECT_GT(store->load_registry()->versions[0].created_ms, 1'600'000'000'000);
}

TEST_P(StoreTest, LoadRegistryOrdersByModelThenCreation) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_version(version("zeta", "v1", 100)));
  ASSERT_TRUE(store->add_version(version("alpha", "v2", 300)));
  ASSERT_TRUE(store->add_version(version("alpha", "v10", 200)));
  ASSERT_TRUE(store->add_version(version("Beta", "v1", 100)));
  ASSERT_TRUE(store->set_alias("alpha", "production", "v10", 100, "bob"));
  ASSERT_TRUE(store->set_alias("alpha", "canary", "v2", 12.5, "bob"));
  ASSERT_TRUE(store->set_alias("Beta", "production", "v1", 100, "carol"));

  auto state = store->load_registry();
  ASSERT_TRUE(state) << state.error().message;
  std::vector<std::string> order;
  for (const auto& v : state->versions) order.push_back(v.model + "/" + v.version);
  // Bytewise: "Beta" before "alpha" in both backends, whatever PostgreSQL's collation says.
  EXPECT_EQ(order, (std::vector<std::string>{"Beta/v1", "alpha/v10", "alpha/v2", "zeta/v1"}));
  ASSERT_EQ(state->aliases.size(), 3u);
  EXPECT_EQ(state->aliases[0].model, "Beta");
  EXPECT_EQ(state->aliases[1].alias, "canary");
  EXPECT_EQ(state->aliases[1].version, "v2");
  EXPECT_EQ(state->aliases[1].percent, 12.5);
  EXPECT_EQ(state->aliases[1].author, "bob");
  EXPECT_GT(state->aliases[1].updated_ms, 0);
  EXPECT_EQ(state->aliases[2].alias, "production");
  EXPECT_EQ(state->aliases[2].version, "v10");
  EXPECT_EQ(state->generation, 7);
}

TEST_P(StoreTest, SetAliasNeedsAnActiveVersionAndValidPercent) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_version(version("faq", "v1")));
  auto retired = version("faq", "old");
  retired.state = "retired";
  ASSERT_TRUE(store->add_version(retired));

  auto unknown = store->set_alias("faq", "production", "v9", 100, "a");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 404);
  auto unknown_model = store->set_alias("nope", "production", "v1", 100, "a");
  ASSERT_FALSE(unknown_model);
  EXPECT_EQ(unknown_model.error().status, 404);
  auto to_retired = store->set_alias("faq", "production", "old", 100, "a");
  ASSERT_FALSE(to_retired);
  EXPECT_EQ(to_retired.error().status, 409);
  for (double bad : {-1.0, 100.5, std::nan("")}) {
    auto s = store->set_alias("faq", "canary", "v1", bad, "a");
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().status, 400);
  }
  EXPECT_EQ(*store->generation(), 2);  // the two versions only
  EXPECT_TRUE(store->load_registry()->aliases.empty());
}

TEST_P(StoreTest, AliasHistoryRecordsSetsAndRemovals) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_version(version("faq", "v1")));
  ASSERT_TRUE(store->add_version(version("faq", "v2")));
  ASSERT_TRUE(store->set_alias("faq", "canary", "v2", 5, "alice"));
  ASSERT_TRUE(store->set_alias("faq", "canary", "v2", 50, "bob"));
  ASSERT_TRUE(store->set_alias("faq", "production", "v1", 100, "alice"));
  ASSERT_TRUE(store->remove_alias("faq", "canary", "carol"));

  auto missing = store->remove_alias("faq", "canary", "carol");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 404);

  auto history = store->alias_history("faq", "canary");
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].version, "v2");
  EXPECT_EQ((*history)[0].percent, 5);
  EXPECT_EQ((*history)[0].author, "alice");
  EXPECT_EQ((*history)[1].percent, 50);
  EXPECT_EQ((*history)[1].author, "bob");
  EXPECT_FALSE((*history)[2].version.has_value());
  EXPECT_EQ((*history)[2].author, "carol");
  EXPECT_LT((*history)[0].id, (*history)[1].id);
  EXPECT_LT((*history)[1].id, (*history)[2].id);
  EXPECT_GT((*history)[2].ts_ms, 0);

  auto state = store->load_registry();
  ASSERT_EQ(state->aliases.size(), 1u);
  EXPECT_EQ(state->aliases[0].alias, "production");
  EXPECT_EQ(store->alias_history("faq", "production")->size(), 1u);
}

TEST_P(StoreTest, RollbacksWalkBackAndDoNotBounce) {
  auto store = open_store();
  ASSERT_TRUE(store);
  for (const char* v : {"v1", "v2", "v3"}) ASSERT_TRUE(store->add_version(version("faq", v)));
  auto previous = [&] {
    auto p = store->previous_alias_version("faq", "production");
    EXPECT_TRUE(p) << p.error().message;
    return p ? p->value_or("none") : std::string("error");
  };
  auto point = [&](const char* v, double percent = 100) {
    auto s = store->set_alias("faq", "production", v, percent, "ops");
    EXPECT_TRUE(s) << s.error().message;
  };
  EXPECT_EQ(previous(), "none");  // no history at all
  point("v1");
  EXPECT_EQ(previous(), "none");
  point("v2");
  EXPECT_EQ(previous(), "v1");
  point("v3");
  EXPECT_EQ(previous(), "v2");
  point("v3", 100);  // re-setting the current version changes nothing
  EXPECT_EQ(previous(), "v2");

  point("v2");  // rollback
  EXPECT_EQ(previous(), "v1");
  point("v1");  // rollback again: walks further back, not to v3
  EXPECT_EQ(previous(), "none");

  point("v3");  // promote again after the rollbacks
  EXPECT_EQ(previous(), "v1");
  point("v1");  // one rollback, and no bounce to v3
  EXPECT_EQ(previous(), "none");

  // A removal is not a version to go back to.
  point("v2");
  ASSERT_TRUE(store->remove_alias("faq", "production", "ops"));
  point("v3");
  EXPECT_EQ(previous(), "v2");
  // Other aliases and models have their own history.
  auto other = store->previous_alias_version("faq", "canary");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_value());
}

TEST_P(StoreTest, EveryMutationBumpsTheGeneration) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto generation = [&] { return *store->generation(); };
  EXPECT_EQ(generation(), 0);
  ASSERT_TRUE(store->add_version(version("faq", "v1")));
  EXPECT_EQ(generation(), 1);
  ASSERT_TRUE(store->add_version(version("faq", "v2")));
  EXPECT_EQ(generation(), 2);
  ASSERT_TRUE(store->set_alias("faq", "production", "v1", 100, "a"));
  EXPECT_EQ(generation(), 3);
  ASSERT_TRUE(store->set_alias("faq", "canary", "v2", 10, "a"));
  EXPECT_EQ(generation(), 4);
  ASSERT_TRUE(store->remove_alias("faq", "canary", "a"));
  EXPECT_EQ(generation(), 5);
  ASSERT_TRUE(store->set_version_state("faq", "v2", "retired", "a"));
  EXPECT_EQ(generation(), 6);
  ASSERT_TRUE(store->set_version_state("faq", "v2", "retired", "a"));  // no change, no bump
  EXPECT_EQ(generation(), 6);
  EXPECT_FALSE(store->set_alias("faq", "canary", "v2", 10, "a"));  // refused, no bump
  EXPECT_EQ(generation(), 6);
  EXPECT_EQ(store->load_registry()->generation, 6);

  // A second connection sees the same generation (replicas poll it).
  auto other = open_store();
  ASSERT_TRUE(other);
  EXPECT_EQ(*other->generation(), 6);
}

TEST_P(StoreTest, RetireIsRefusedWhileAnAliasNamesTheVersion) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add_version(version("faq", "v1")));
  ASSERT_TRUE(store->add_version(version("faq", "v2")));
  ASSERT_TRUE(store->set_alias("faq", "production", "v1", 100, "a"));
  ASSERT_TRUE(store->set_alias("faq", "shadow", "v1", 20, "a"));

  auto refused = store->set_version_state("faq", "v1", "retired", "bob");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 409);
  EXPECT_NE(refused.error().message.find("'production'"), npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("'shadow'"), npos) << refused.error().message;

  auto bad = store->set_version_state("faq", "v1", "archived", "bob");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 400);
  auto unknown = store->set_version_state("faq", "v7", "retired", "bob");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 404);

  ASSERT_TRUE(store->set_alias("faq", "production", "v2", 100, "a"));
  ASSERT_TRUE(store->remove_alias("faq", "shadow", "a"));
  ASSERT_TRUE(store->set_version_state("faq", "v1", "retired", "bob"));
  auto state = store->load_registry();
  ASSERT_TRUE(state);
  const auto& v1 = state->versions[0].version == "v1" ? state->versions[0] : state->versions[1];
  EXPECT_EQ(v1.state, "retired");
  EXPECT_GT(v1.retired_ms, 0);
  EXPECT_EQ(v1.state_author, "bob");

  // Retired versions cannot be aliased; reactivated, they can.
  EXPECT_EQ(store->set_alias("faq", "canary", "v1", 5, "a").error().status, 409);
  ASSERT_TRUE(store->set_version_state("faq", "v1", "active", "carol"));
  EXPECT_TRUE(store->set_alias("faq", "canary", "v1", 5, "a"));
  auto after = store->load_registry();
  const auto& again = after->versions[0].version == "v1" ? after->versions[0] : after->versions[1];
  EXPECT_EQ(again.state, "active");
  EXPECT_EQ(again.retired_ms, 0);
}

}  // namespace
}  // namespace sy::store::testing
