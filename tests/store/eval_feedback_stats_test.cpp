// A version's stored evaluation and its feedback statistics, on both backends.
#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

TEST_P(StoreTest, SetVersionEvalReplacesTheTextAndBumpsTheGeneration) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ModelVersion v;
  v.model = "faq";
  v.version = "v1";
  v.path = "/m.gguf";
  ASSERT_TRUE(store->add_version(v));
  auto before = store->generation();
  ASSERT_TRUE(before);
  ASSERT_TRUE(store->set_version_eval("faq", "v1", R"({"runs":[{"score":0.9}]})"));
  auto state = store->load_registry();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->versions[0].eval, R"({"runs":[{"score":0.9}]})");
  EXPECT_GT(state->generation, *before);
  auto missing = store->set_version_eval("faq", "v9", "{}");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 404);
}

TEST_P(StoreTest, FeedbackStatsArePerVersionAndSince) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto put = [&](const std::string& id, const std::string& version, double score, int64_t ts) {
    ASSERT_TRUE(store->put_feedback(Feedback{id, "k", "faq", "faq", version, score, "", ts}));
  };
  put("r1", "v1", 1.0, 100);
  put("r2", "v1", -0.5, 200);
  put("r3", "v2", 0.5, 300);
  auto v1 = store->feedback_stats("faq", "v1");
  ASSERT_TRUE(v1) << v1.error().message;
  EXPECT_EQ(v1->count, 2);
  EXPECT_DOUBLE_EQ(v1->mean, 0.25);
  auto recent = store->feedback_stats("faq", "v1", 150);
  ASSERT_TRUE(recent);
  EXPECT_EQ(recent->count, 1);
  EXPECT_DOUBLE_EQ(recent->mean, -0.5);
  auto none = store->feedback_stats("faq", "v3");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->count, 0);
}

}  // namespace
}  // namespace sy::store::testing
