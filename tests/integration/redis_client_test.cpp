// The Redis connection (store/redis_client) against a real redis-server started by the test:
// commands and scripts, pipelining from many threads, NOSCRIPT after a flush, and what happens
// when Redis goes away (every wait bounded, fails fast while down) and comes back (reconnects).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "store/redis_client.h"
#include "support/redis_server.h"

namespace sy::testing {
namespace {

using namespace std::chrono_literals;
using store::RedisClient;
using store::RedisReply;

core::Result<RedisReply> run(RedisClient& c, std::vector<std::string> args) {
  std::promise<core::Result<RedisReply>> done;
  auto f = done.get_future();
  c.command(std::move(args), [&](core::Result<RedisReply> r) { done.set_value(std::move(r)); });
  if (f.wait_for(5s) != std::future_status::ready) return core::Error::internal("no callback within 5 s");
  return f.get();
}

core::Result<RedisReply> eval(RedisClient& c, size_t script, std::vector<std::string> keys, std::vector<std::string> args) {
  std::promise<core::Result<RedisReply>> done;
  auto f = done.get_future();
  c.eval(script, std::move(keys), std::move(args), [&](core::Result<RedisReply> r) { done.set_value(std::move(r)); });
  if (f.wait_for(5s) != std::future_status::ready) return core::Error::internal("no callback within 5 s");
  return f.get();
}

store::RedisOptions options_for(const std::string& url) {
  store::RedisOptions o;
  o.url = url;
  o.connect_timeout = 200ms;
  o.command_timeout = 200ms;
  o.max_backoff = 200ms;
  return o;
}

TEST(RedisUrl, ParsesHostPortDatabaseAndPassword) {
  auto a = store::parse_redis_url("redis://127.0.0.1:6390/3");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6390);
  EXPECT_EQ(a->db, 3);
  auto b = store::parse_redis_url("redis://user:s3cret@cache.internal");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "cache.internal");
  EXPECT_EQ(b->port, 6379);
  EXPECT_EQ(b->user, "user");
  EXPECT_EQ(b->password, "s3cret");
  auto c = store::parse_redis_url("redis://[::1]:7000/0");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 7000);
  EXPECT_FALSE(store::parse_redis_url("rediss://h:1").ok());
  EXPECT_FALSE(store::parse_redis_url("redis://h:99999").ok());
  EXPECT_FALSE(store::parse_redis_url("redis://h:1/x").ok());
}

TEST(RedisClient, CommandsScriptsAndPipelinedCallersFromManyThreads) {
  RedisServer server;
  if (server.missing()) GTEST_SKIP() << server.error();
  ASSERT_TRUE(server.ok()) << server.error();
  RedisClient client(options_for(server.url(2)));
  auto incr = client.add_script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  client.start();
  ASSERT_TRUE(client.up());

  auto set = run(client, {"SET", "greeting", "hello"});
  ASSERT_TRUE(set.ok()) << set.error().message;
  auto get = run(client, {"GET", "greeting"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->text, "hello");
  auto missing = run(client, {"GET", "nothing-here"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->kind, RedisReply::Kind::nil);
  auto wrong = run(client, {"INCR", "greeting"});
  ASSERT_FALSE(wrong.ok());  // an error reply is an error, and the connection stays up
  EXPECT_TRUE(client.up());

  // 8 threads x 500 script calls, none waiting for the last: every one answered, counted once.
  std::atomic<int> answered{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        client.eval(incr, {"counter"}, {"1"}, [&](core::Result<RedisReply> r) { (r.ok() ? answered : failed).fetch_add(1); });
      }
    });
  }
  for (auto& t : threads) t.join();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (answered + failed < 4000 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(answered.load(), 4000);
  EXPECT_EQ(failed.load(), 0);
  auto total = run(client, {"GET", "counter"});
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->text, "4000");
  // The URL's database was selected: database 0 does not have it.
  RedisClient other(options_for(server.url(0)));
  other.start();
  EXPECT_EQ(run(other, {"GET", "counter"})->kind, RedisReply::Kind::nil);

  // The server forgets its scripts: EVALSHA's NOSCRIPT is answered by sending the script itself.
  ASSERT_TRUE(run(client, {"SCRIPT", "FLUSH"}).ok());
  auto again = eval(client, incr, {"counter"}, {"5"});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->integer, 4005);
}

TEST(RedisClient, FailsFastWhileDownAndReconnectsWithBackoff) {
  RedisServer server;
  if (server.missing()) GTEST_SKIP() << server.error();
  ASSERT_TRUE(server.ok()) << server.error();
  RedisClient client(options_for(server.url()));
  std::mutex mu;
  std::vector<bool> changes;
  client.on_state_change([&](bool up, const std::string&) {
    std::lock_guard lock(mu);
    changes.push_back(up);
  });
  client.start();
  ASSERT_TRUE(client.up());
  ASSERT_TRUE(run(client, {"SET", "k", "1"}).ok());

  server.kill();
  // The first command after the kill finds the connection broken; from then on, refused at once.
  auto started = std::chrono::steady_clock::now();
  auto lost = run(client, {"GET", "k"});
  EXPECT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().status, 503);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  for (int i = 0; i < 20 && client.up(); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(client.up());
  started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(run(client, {"GET", "k"}).ok());
  auto hundred = std::chrono::steady_clock::now() - started;
  EXPECT_LT(hundred, 100ms) << "commands while down must fail at once, not wait for a timeout";

  ASSERT_TRUE(server.restart()) << server.error();
  auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!client.up() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(client.up()) << "no reconnection within 3 s (backoff at most 200 ms here)";
  EXPECT_TRUE(run(client, {"PING"}).ok());
  std::lock_guard lock(mu);
  // One report per change of state, not one per failed retry.
  EXPECT_EQ(changes, (std::vector<bool>{true, false, true}));
  EXPECT_GE(client.stats().connect_failures.load(), 1u);
}

TEST(RedisClient, NothingListeningIsDownWithinTheConnectTimeout) {
  int port = 0;
  {
    RedisServer server;  // a port that was free a moment ago, with nothing on it now
    if (server.missing()) GTEST_SKIP() << server.error();
    port = server.port();
  }
  RedisClient client(options_for("redis://127.0.0.1:" + std::to_string(port) + "/0"));
  auto started = std::chrono::steady_clock::now();
  client.start();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_FALSE(client.up());
  auto r = run(client, {"PING"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 503);
}

}  // namespace
}  // namespace sy::testing
