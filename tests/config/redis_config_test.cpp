// `redis:` in its short and long forms, the failure policies, and cache.backend: redis.
#include <gtest/gtest.h>

#include "config/config.h"

namespace sy::config {
namespace {

TEST(RedisConfig, ShortFormIsTheUrlWithDefaultPolicies) {
  auto c = load_string("redis: redis://127.0.0.1:6379/0\n", "t.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE((*c)->redis.has_value());
  EXPECT_EQ((*c)->redis->url, "redis://127.0.0.1:6379/0");
  EXPECT_TRUE((*c)->redis->requests_per_minute_fail_open);
  EXPECT_TRUE((*c)->redis->tokens_per_minute_fail_open);
  EXPECT_FALSE((*c)->redis->usd_per_month_fail_open);
  EXPECT_TRUE((*c)->not_yet_active.empty());
  EXPECT_FALSE(load_string("cache: {ttl: 1m}\n", "t.yaml").value()->redis.has_value());
}

TEST(RedisConfig, LongFormWithOnePolicyOrOnePerLimit) {
  auto c = load_string("redis:\n  url: redis://r:6380/2\n  command_timeout: 80ms\n  prefix: \"sy1:\"\n  on_failure: fail_closed\n"
                       "cache: {backend: redis, max_entry_bytes: 64KiB}\n",
                       "t.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& r = *(*c)->redis;
  EXPECT_EQ(r.command_timeout.count(), 80);
  EXPECT_EQ(r.prefix, "sy1:");
  EXPECT_FALSE(r.requests_per_minute_fail_open || r.tokens_per_minute_fail_open || r.usd_per_month_fail_open);
  EXPECT_EQ((*c)->cache.backend, "redis");
  EXPECT_EQ((*c)->cache.max_entry_bytes, 64u << 10);
  auto each = load_string("redis: {url: \"redis://r\", on_failure: {usd_per_month: fail_open, requests_per_minute: fail_closed}}\n", "t.yaml");
  ASSERT_TRUE(each.ok()) << each.error().message;
  EXPECT_FALSE((*each)->redis->requests_per_minute_fail_open);
  EXPECT_TRUE((*each)->redis->tokens_per_minute_fail_open);
  EXPECT_TRUE((*each)->redis->usd_per_month_fail_open);
}

TEST(RedisConfig, MistakesAreNamed) {
  auto bad_url = load_string("redis: http://127.0.0.1:6379\n", "t.yaml");
  ASSERT_FALSE(bad_url.ok());
  EXPECT_NE(bad_url.error().message.find("redis:// URL"), std::string::npos) << bad_url.error().message;
  auto bad_policy = load_string("redis: {url: \"redis://r\", on_failure: {usd_per_month: open}}\n", "t.yaml");
  ASSERT_FALSE(bad_policy.ok());
  EXPECT_NE(bad_policy.error().message.find("fail_open or fail_closed"), std::string::npos) << bad_policy.error().message;
  auto typo = load_string("redis: {url: \"redis://r\", comand_timeout: 1s}\n", "t.yaml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("comand_timeout"), std::string::npos);
  auto cache_alone = load_string("cache: {backend: redis}\n", "t.yaml");
  ASSERT_FALSE(cache_alone.ok());
  EXPECT_NE(cache_alone.error().message.find("needs `redis:`"), std::string::npos) << cache_alone.error().message;
}

}  // namespace
}  // namespace sy::config
