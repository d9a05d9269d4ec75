#include "ops/pricing.h"

#include <gtest/gtest.h>

namespace sy::ops {
namespace {

std::shared_ptr<const PriceTable> table() {
  auto t = PriceTable::load(std::string(SWITCHYARD_SOURCE_DIR) + "/data/prices.yaml");
  EXPECT_TRUE(t) << t.error().message;
  return t ? *t : nullptr;
}

config::ModelConfig model(config::ProviderKind kind, std::string upstream) {
  config::ModelConfig m;
  m.provider = kind;
  m.upstream_model = std::move(upstream);
  return m;
}

TEST(PriceTable, TheShippedTableIsDatedAndLoads) {
  auto t = table();
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->as_of().empty());
  EXPECT_GT(t->size(), 10u);
}

TEST(PriceTable, TheLongestPrefixOfTheSameProviderWins) {
  auto t = table();
  ASSERT_TRUE(t);
  const auto* mini = t->find(model(config::ProviderKind::openai, "gpt-4o-mini-2024-07-18"));
  ASSERT_NE(mini, nullptr);
  EXPECT_EQ(mini->model, "gpt-4o-mini");
  const auto* azure = t->find(model(config::ProviderKind::azure, "gpt-4o"));
  ASSERT_NE(azure, nullptr);
  EXPECT_EQ(azure->model, "gpt-4o");
  EXPECT_EQ(t->find(model(config::ProviderKind::anthropic, "gpt-4o")), nullptr);
  EXPECT_EQ(t->find(model(config::ProviderKind::openai, "my-private-model")), nullptr);
}

TEST(PriceTable, CachedPromptTokensAreChargedAtTheCachedPrice) {
  Price p{"openai", "x", 2.0, 0.5, 8.0};
  core::Usage u;
  u.prompt_tokens = 1'000'000;
  u.cached_tokens = 400'000;
  u.completion_tokens = 250'000;
  EXPECT_DOUBLE_EQ(PriceTable::cost_usd(p, u), 0.6 * 2.0 + 0.4 * 0.5 + 0.25 * 8.0);
  u.cached_tokens = 5'000'000;  // more than the prompt: a provider's bad number, capped
  EXPECT_DOUBLE_EQ(PriceTable::cost_usd(p, u), 1.0 * 0.5 + 0.25 * 8.0);
}

TEST(PriceTable, AMissingOrBrokenFileIsAnError) {
  EXPECT_FALSE(PriceTable::load("/nonexistent/prices.yaml"));
}

}  // namespace
}  // namespace sy::ops
