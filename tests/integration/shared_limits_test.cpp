// Rate limits and budgets shared through a real redis-server (ops/shared_limits): two "replicas"
// (each its own Budgets, connection and SharedLimits) on one Redis count as one; the Lua scripts
// reserve atomically, settle with the real usage, refund a failure, let an unsettled reservation
// go after its lease; and while Redis is down each limit follows its failure policy.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "config/config.h"
#include "ops/budgets.h"
#include "ops/redis_link.h"
#include "ops/shared_limits.h"
#include "store/redis_client.h"
#include "support/redis_server.h"

namespace sy::testing {
namespace {

using namespace std::chrono_literals;

// One replica's share of the machinery.
struct Replica {
  std::shared_ptr<const config::Config> config;
  ops::Budgets budgets;
  ops::RedisLink link;
  ops::SharedLimits limits;
  explicit Replica(std::shared_ptr<const config::Config> c)
      : config(c), budgets(*c), link(*c->redis), limits(*c->redis, link, budgets) {
    link.start();
  }

  core::Result<ops::Reservation> reserve(const std::string& key, const std::string& team, int64_t tokens, int64_t micro,
                                         bool dry = false) {
    core::Principal who;
    who.key_name = key;
    who.team = team;
    std::promise<core::Result<ops::Reservation>> done;
    auto f = done.get_future();
    limits.reserve(who, tokens, micro, dry, [&](core::Result<ops::Reservation> r) { done.set_value(std::move(r)); });
    if (f.wait_for(5s) != std::future_status::ready) return core::Error::internal("no answer within 5 s");
    return f.get();
  }
};

std::shared_ptr<const config::Config> config_for(const std::string& redis_yaml) {
  auto c = config::load_string("keys:\n"
                               "  - {name: rated, key: k1, limits: {requests_per_minute: 10}}\n"
                               "  - {name: tokens, key: k2, limits: {tokens_per_minute: 1000}}\n"
                               "  - {name: spender, key: k3, team: money}\n"
                               "teams:\n  - {name: money, limits: {usd_per_month: 1.00}}\n" +
                                   redis_yaml,
                               "test.yaml");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return *c;
}

// Waits until Redis has taken a settlement (they are not awaited).
void settle_and_wait(Replica& r, ops::Reservation& res, int64_t tokens, int64_t micro) {
  auto before = r.link.client().stats().ok.load();
  r.budgets.settle(res, tokens, micro);
  for (int i = 0; i < 200 && r.link.client().stats().ok.load() == before; ++i) std::this_thread::sleep_for(5ms);
}

TEST(SharedLimits, TwoReplicasShareOneRequestsPerMinuteWindow) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  auto cfg = config_for("redis: " + redis.url() + "\n");
  Replica a(cfg), b(cfg);
  ASSERT_TRUE(a.link.client().up());
  // A dry run (route explain) holds nothing.
  ASSERT_TRUE(a.reserve("rated", "", 1, 0, /*dry=*/true).ok());
  int admitted = 0;
  core::Error last;
  for (int i = 0; i < 16; ++i) {
    auto r = (i % 2 ? a : b).reserve("rated", "", 1, 0);
    if (r.ok()) {
      ++admitted;
      EXPECT_TRUE(r->shared);
      (i % 2 ? a : b).budgets.settle(*r, 1, 0);
    } else {
      last = r.error();
    }
  }
  EXPECT_EQ(admitted, 10) << "10 per minute for the key, whichever replica counts";
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(last.message, "Key 'rated' is over its limit of 10 requests per minute.");
  ASSERT_TRUE(last.retry_after_s.has_value());
  EXPECT_GE(*last.retry_after_s, 1);
  EXPECT_LE(*last.retry_after_s, 60);
}

// Buckets that left the 60-second window stop counting: one 61 s old is written straight into
// Redis (as a replica would have left it), holding the whole limit; a request is still admitted.
TEST(SharedLimits, BucketsOlderThanAMinuteLeaveTheWindow) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  auto cfg = config_for("redis: " + redis.url() + "\n");
  Replica a(cfg);
  auto keys = a.limits.keys_of("key:rated", ops::Budgets::month_of(ops::Budgets::Clock::now()));
  auto send = [&](std::vector<std::string> args) {
    std::promise<bool> done;
    a.link.client().command(std::move(args), [&](core::Result<store::RedisReply> r) { done.set_value(r.ok()); });
    return done.get_future().get();
  };
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto old = std::to_string(now - 61), recent = std::to_string(now - 30);
  ASSERT_TRUE(send({"HSET", keys[0], "r:" + old, "10", "t:" + old, "10", "r:" + recent, "9", "t:" + recent, "9", "R", "19", "T", "19"}));
  ASSERT_TRUE(send({"RPUSH", keys[1], old, recent}));
  auto first = a.reserve("rated", "", 1, 0);
  ASSERT_TRUE(first.ok()) << "the 61 s old bucket still counted: " << first.error().message;
  auto second = a.reserve("rated", "", 1, 0);
  ASSERT_FALSE(second.ok()) << "9 (30 s ago) + 1 = the limit of 10";
  // Retry when the bucket of 30 s ago leaves: in about 30 s.
  ASSERT_TRUE(second.error().retry_after_s.has_value());
  EXPECT_GE(*second.error().retry_after_s, 28);
  EXPECT_LE(*second.error().retry_after_s, 32);
}

TEST(SharedLimits, TokensAreCorrectedToWhatWasUsed) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  auto cfg = config_for("redis: " + redis.url() + "\n");
  Replica a(cfg), b(cfg);
  auto first = a.reserve("tokens", "", 600, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(b.reserve("tokens", "", 600, 0).ok()) << "600 held of 1000: another 600 is over";
  settle_and_wait(a, *first, 100, 0);  // it used only 100
  auto second = b.reserve("tokens", "", 600, 0);
  ASSERT_TRUE(second.ok()) << second.error().message;
  auto third = a.reserve("tokens", "", 400, 0);
  ASSERT_FALSE(third.ok());
  EXPECT_NE(third.error().message.find("1000 tokens per minute"), std::string::npos) << third.error().message;
}

TEST(SharedLimits, ATeamBudgetHoldsReservationsRefundsFailuresAndLetsGoOfTheUnsettled) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  auto cfg = config_for("redis: {url: \"" + redis.url() + "\", reservation_lease: 700ms}\n");
  Replica a(cfg), b(cfg);
  // $0.40 each, estimated: two fit in $1.00, a third does not while they are held.
  auto r1 = a.reserve("spender", "money", 10, 400'000);
  auto r2 = b.reserve("spender", "money", 10, 400'000);
  ASSERT_TRUE(r1.ok() && r2.ok());
  auto r3 = a.reserve("spender", "money", 10, 400'000);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().status, 429);
  EXPECT_EQ(r3.error().type, "insufficient_quota");
  EXPECT_EQ(r3.error().message, "Team 'money' has used $0.80 of its $1.00 monthly budget; this request would cost about $0.40.");
  // r1 failed upstream: refunded whole. r2 cost $0.30 for real.
  settle_and_wait(a, *r1, 0, 0);
  settle_and_wait(b, *r2, 10, 300'000);
  auto r4 = b.reserve("spender", "money", 10, 400'000);  // $0.30 spent + $0.40: fits
  ASSERT_TRUE(r4.ok()) << r4.error().message;
  auto r5 = a.reserve("spender", "money", 10, 400'000);  // $0.30 + $0.40 held + $0.40: over
  ASSERT_FALSE(r5.ok());
  // r4's replica dies without settling: past the lease its hold is let go.
  std::this_thread::sleep_for(800ms);
  auto r6 = a.reserve("spender", "money", 10, 400'000);
  ASSERT_TRUE(r6.ok()) << "the unsettled reservation was not let go after its lease: " << r6.error().message;
  settle_and_wait(a, *r6, 10, 650'000);  // more than estimated: spend is what it cost
  auto r7 = b.reserve("spender", "money", 10, 100'000);
  ASSERT_FALSE(r7.ok());
  EXPECT_EQ(r7.error().message, "Team 'money' has used $0.95 of its $1.00 monthly budget; this request would cost about $0.10.");
}

TEST(SharedLimits, WhileRedisIsDownEachLimitFollowsItsPolicy) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  auto cfg = config_for("redis:\n  url: \"" + redis.url() +
                        "\"\n  command_timeout: 100ms\n  max_backoff: 100ms\n"
                        "  on_failure: {requests_per_minute: fail_open, usd_per_month: fail_closed}\n");
  Replica a(cfg);
  ASSERT_TRUE(a.reserve("rated", "", 1, 0).ok());
  redis.kill();
  // fail_open: counted in this process (the local window is fresh: 10 more), and said so.
  int admitted = 0;
  for (int i = 0; i < 12; ++i) {
    auto started = std::chrono::steady_clock::now();
    auto r = a.reserve("rated", "", 1, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms) << "a request must never wait long on a Redis that is gone";
    if (r.ok()) {
      ++admitted;
      EXPECT_FALSE(r->shared);
    }
  }
  EXPECT_EQ(admitted, 10);
  EXPECT_GE(a.link.fail_open.load(), 10u);
  // fail_closed: the budget cannot be checked, so the request is refused (503, not 429).
  auto money = a.reserve("spender", "money", 10, 1000);
  ASSERT_FALSE(money.ok());
  EXPECT_EQ(money.error().status, 503);
  EXPECT_EQ(a.link.fail_closed.load(), 1u);
  std::string metrics;
  a.link.render_metrics(metrics);
  EXPECT_NE(metrics.find("switchyard_redis_up 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("switchyard_redis_fail_closed_total 1"), std::string::npos) << metrics;

  // Back: shared again (a fresh Redis: its window is empty).
  ASSERT_TRUE(redis.restart()) << redis.error();
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!a.link.client().up() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(a.link.client().up());
  auto again = a.reserve("spender", "money", 10, 1000);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->shared);
}

}  // namespace
}  // namespace sy::testing
