// Rate limits and budgets: reservations at admission, settlement at the end, key and team.
#include <gtest/gtest.h>

#include "config/config.h"
#include "ops/budgets.h"

namespace sy::ops {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const config::Config> config_with(const std::string& yaml) {
  auto cfg = config::load_string(yaml, "t.yaml");
  EXPECT_TRUE(cfg.ok()) << cfg.error().message;
  return *cfg;
}

core::Principal who(const std::string& key, const std::string& team) {
  core::Principal p;
  p.key_name = key;
  p.team = team;
  return p;
}

const auto kT0 = Budgets::Clock::time_point(std::chrono::seconds(1'795'000'000));  // 2026-11-18

TEST(Budgets, RequestsPerMinuteSlide) {
  auto cfg = config_with("keys:\n  - {name: a, key: k, limits: {requests_per_minute: 3}}\n");
  Budgets b(*cfg);
  ASSERT_TRUE(b.any());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(b.reserve(who("a", ""), 10, 0, kT0 + std::chrono::seconds(i)).ok());
  auto refused = b.reserve(who("a", ""), 10, 0, kT0 + 10s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 429);
  EXPECT_EQ(refused.error().code, "rate_limit_exceeded");
  EXPECT_NE(refused.error().message.find("3 requests per minute"), std::string::npos);
  ASSERT_TRUE(refused.error().retry_after_s);
  EXPECT_EQ(*refused.error().retry_after_s, 50);  // the first request leaves the window at t0+60
  EXPECT_TRUE(b.reserve(who("a", ""), 10, 0, kT0 + 61s).ok());
  // Another key has no limits at all.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.reserve(who("other", ""), 10, 0, kT0).ok());
}

TEST(Budgets, TokensAreReservedThenSettled) {
  auto cfg = config_with("keys:\n  - {name: a, key: k, limits: {tokens_per_minute: 1000}}\n");
  Budgets b(*cfg);
  auto r1 = b.reserve(who("a", ""), 600, 0, kT0);
  ASSERT_TRUE(r1.ok());
  // While the first holds 600, a second asking 600 is refused...
  EXPECT_FALSE(b.reserve(who("a", ""), 600, 0, kT0).ok());
  // ...until the first settles at what it really used.
  b.settle(*r1, 100, 0);
  EXPECT_TRUE(b.reserve(who("a", ""), 600, 0, kT0).ok());
}

TEST(Budgets, MonthlyMoneyForKeyAndTeam) {
  auto cfg = config_with(
      "keys:\n"
      "  - {name: a, key: k1, team: t}\n"
      "  - {name: b, key: k2, team: t, limits: {usd_per_month: 100}}\n"
      "teams:\n  - {name: t, limits: {usd_per_month: 1}}\n");
  Budgets b(*cfg);
  auto r = b.reserve(who("a", "t"), 10, 600'000, kT0);  // $0.60 of the team's $1
  ASSERT_TRUE(r.ok());
  auto refused = b.reserve(who("b", "t"), 10, 600'000, kT0);  // the key has room; the team has not
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().type, "insufficient_quota");
  EXPECT_NE(refused.error().message.find("Team 't'"), std::string::npos);
  b.settle(*r, 10, 200'000);  // it cost $0.20 in the end
  EXPECT_EQ(b.spent("team:t"), 200'000);
  EXPECT_TRUE(b.reserve(who("b", "t"), 10, 600'000, kT0).ok());
  // Settling twice does nothing.
  b.settle(*r, 10, 200'000);
  EXPECT_EQ(b.spent("team:t"), 200'000);
}

TEST(Budgets, ANewMonthStartsAgain) {
  auto cfg = config_with("keys:\n  - {name: a, key: k, limits: {usd_per_month: 1}}\n");
  Budgets b(*cfg);
  auto r = b.reserve(who("a", ""), 1, 900'000, kT0);
  ASSERT_TRUE(r.ok());
  b.settle(*r, 1, 900'000);
  EXPECT_FALSE(b.reserve(who("a", ""), 1, 200'000, kT0).ok());
  EXPECT_TRUE(b.reserve(who("a", ""), 1, 200'000, kT0 + std::chrono::hours(24 * 31)).ok());
}

TEST(Budgets, NoLimitsConfiguredCostsNothing) {
  auto cfg = config_with("keys:\n  - {name: a, key: k}\n");
  Budgets b(*cfg);
  EXPECT_FALSE(b.any());
  auto r = b.reserve(who("a", ""), 1'000'000, 1'000'000'000, kT0);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->active);
}

}  // namespace
}  // namespace sy::ops
