// The server with `redis:`, against a real redis-server: two replicas count one limit, a budget
// reservation cut with its stream is settled, Redis going away turns each limit to its policy
// (a fail_closed one answers 503 in the client's own error format, never hangs), and the
// response cache kept in Redis is a hit on the other replica.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"
#include "support/redis_server.h"

namespace sy::testing {
namespace {

// A cloud priced from data/prices.yaml (gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens).
const std::string kModels = "prices: \"" SWITCHYARD_SOURCE_DIR "/data/prices.yaml\"\n"
                            "models:\n  - {name: mini, provider: openai, api_key: sk-up, model: gpt-4o-mini, base_url: \"";

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST(RedisServe, TwoReplicasCountOneLimitAndACutStreamIsSettled) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    if (r.body.find("\"stream\":true") == std::string::npos) {
      c.send(200, completion_json("hi", "gpt-4o-mini"));
      return;
    }
    if (!c.start_stream()) return;
    for (int i = 0; i < 200; ++i) {  // 10 s of a slow stream, unless the gateway hangs up first
      if (!c.send_chunk(chunk_event("x"))) return;
      std::this_thread::sleep_for(50ms);
    }
    c.end_stream();
  });
  const std::string yaml = "log: {access: off}\nredis: \"" + redis.url() + "\"\n"
                           "keys:\n  - {name: rated, key: k-rated, limits: {requests_per_minute: 3}}\n"
                           "  - {name: spender, key: k-spend, team: money}\n"
                           "teams:\n  - {name: money, limits: {usd_per_month: 1.00}}\n" +
                           kModels + up.base_url() + "\"}\n";
  Switchyard a(yaml), b(yaml);
  ASSERT_TRUE(a.ready()) << a.log();
  ASSERT_TRUE(b.ready()) << b.log();
  const auto ask = chat_body("mini", "hello");
  int ok = 0;
  HttpResult last;
  for (int i = 0; i < 6; ++i) {
    last = post_json(i % 2 ? a.port() : b.port(), "/v1/chat/completions", ask, {{"authorization", "Bearer k-rated"}});
    ok += last.status == 200;
  }
  EXPECT_EQ(ok, 3) << "3 per minute for the key across both replicas";
  EXPECT_EQ(last.status, 429);
  EXPECT_NE(last.body.find("over its limit of 3 requests per minute"), std::string::npos) << last.body;

  // A stream estimated at about $0.60 (a million completion tokens at most), cut by the client:
  // its reservation must be settled, or the next $0.60 request would not fit in $1.00.
  const std::string big = R"({"model":"mini","stream":true,"max_tokens":1000000,"messages":[{"role":"user","content":"go"}]})";
  const std::map<std::string, std::string> spender = {{"authorization", "Bearer k-spend"}};
  auto cut = stream_request(a.port(), "/v1/chat/completions", big,
                            [](const std::string& bytes, std::chrono::milliseconds) { return bytes.find("data:") == std::string::npos; },
                            spender);
  EXPECT_EQ(cut.status, 200);
  const std::string whole = R"({"model":"mini","max_tokens":1000000,"messages":[{"role":"user","content":"go"}]})";
  EXPECT_TRUE(eventually([&] { return post_json(b.port(), "/v1/chat/completions", whole, spender).status == 200; }, 3s))
      << "the cut stream's reservation was never settled";
}

TEST(RedisServe, WhileRedisIsDownFailClosedAnswers503InTheClientsFormatAndFailOpenCountsLocally) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("hi", "gpt-4o-mini")); });
  Switchyard sy("log: {access: off}\n"
                "redis: {url: \"" + redis.url() + "\", command_timeout: 100ms, max_backoff: 200ms}\n"
                "keys:\n  - {name: rated, key: k-rated, limits: {requests_per_minute: 1000}}\n"
                "  - {name: spender, key: k-spend, limits: {usd_per_month: 5}}\n" +
                kModels + up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  const std::map<std::string, std::string> spender = {{"x-api-key", "k-spend"}, {"anthropic-version", "2023-06-01"}};
  const std::string message = R"({"model":"mini","max_tokens":16,"messages":[{"role":"user","content":"hi"}]})";
  ASSERT_EQ(post_json(sy.port(), "/v1/messages", message, spender).status, 200);

  redis.kill();
  for (int i = 0; i < 3; ++i) {
    auto started = std::chrono::steady_clock::now();
    auto refused = post_json(sy.port(), "/v1/messages", message, spender);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "never a hang";
    EXPECT_EQ(refused.status, 503) << refused.body;
    auto body = boost::json::parse(refused.body).as_object();
    EXPECT_EQ(body["type"].as_string(), "error") << "Anthropic's error shape: " << refused.body;
    EXPECT_EQ(refused.header("retry-after"), "1");
  }
  auto open = post_json(sy.port(), "/v1/chat/completions", chat_body("mini", "hi"), {{"authorization", "Bearer k-rated"}});
  EXPECT_EQ(open.status, 200) << "requests_per_minute is fail_open: counted here meanwhile";
  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("switchyard_redis_up 0"), std::string::npos);
  EXPECT_NE(metrics.find("switchyard_redis_fail_open_total 1"), std::string::npos);
  EXPECT_NE(metrics.find("switchyard_redis_fail_closed_total 3"), std::string::npos);

  ASSERT_TRUE(redis.restart()) << redis.error();
  EXPECT_TRUE(eventually([&] { return post_json(sy.port(), "/v1/messages", message, spender).status == 200; }, 3s));
  auto log = sy.log();
  EXPECT_EQ(count(log, "cannot be reached"), 1) << "one log line per change of state:\n" << log;
  EXPECT_EQ(count(log, "redis: connected"), 2) << log;
}

TEST(RedisServe, TheResponseCacheInRedisIsSharedByReplicas) {
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("the cached answer", "gpt-4o-mini")); });
  const std::string yaml = "log: {access: off}\nredis: \"" + redis.url() + "\"\n"
                           "cache: {backend: redis, ttl: 1m, scope: global}\n" + kModels + up.base_url() + "\"}\n";
  Switchyard a(yaml), b(yaml);
  ASSERT_TRUE(a.ready()) << a.log();
  ASSERT_TRUE(b.ready()) << b.log();
  const std::string ask = R"({"model":"mini","temperature":0,"messages":[{"role":"user","content":"What is the VPN address?"}]})";
  auto first = post_json(a.port(), "/v1/chat/completions", ask);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-switchyard-cache"), "miss");
  HttpResult second;
  EXPECT_TRUE(eventually([&] {
    second = post_json(b.port(), "/v1/chat/completions", ask);
    return second.header("x-switchyard-cache") == "hit";
  }, 2s)) << "replica b did not find replica a's answer in Redis";
  EXPECT_NE(second.body.find("the cached answer"), std::string::npos) << second.body;
  // Streamed from the same entry.
  std::string sse;
  auto streamed = stream_request(b.port(), "/v1/chat/completions",
                                 R"({"model":"mini","temperature":0,"stream":true,"messages":[{"role":"user","content":"What is the VPN address?"}]})",
                                 [&](const std::string& bytes, std::chrono::milliseconds) { sse += bytes; return true; });
  EXPECT_EQ(streamed.header("x-switchyard-cache"), "hit");
  EXPECT_EQ(streamed_text(sse), "the cached answer");
  EXPECT_EQ(up.requests().size(), 1u) << "one upstream call for three answers";

  // Redis gone: a miss (the upstream answers), never an error.
  redis.kill();
  auto during = post_json(b.port(), "/v1/chat/completions", ask);
  EXPECT_EQ(during.status, 200) << during.body;
  EXPECT_EQ(during.header("x-switchyard-cache"), "miss");
}

}  // namespace
}  // namespace sy::testing
