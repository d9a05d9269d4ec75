// The response cache in front of a scripted upstream: a repeated deterministic request is
// answered from the cache (whole, or replayed as a stream), per key, never across privacy classes,
// never for sampled requests unless asked, bypassed on the client's say, and recorded in the audit
// trail and the metrics with what it saved.
#include <gtest/gtest.h>

#include <atomic>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

const std::map<std::string, std::string> kAlice = {{"Authorization", "Bearer ka"}};
const std::map<std::string, std::string> kBob = {{"Authorization", "Bearer kb"}};

std::string config_for(const FakeUpstream& up, const std::string& db, const std::string& cache = "cache: {ttl: 1m}\n") {
  return "log: {access: off}\nstore: \"sqlite:" + db + "\"\n" + cache +
         "prices: \"" SWITCHYARD_SOURCE_DIR "/data/prices.yaml\"\n"
         "keys:\n  - {name: alice, key: ka}\n  - {name: bob, key: kb}\n"
         "models:\n  - {name: mini, provider: openai, api_key: sk-upstream, model: gpt-4o-mini, retries: 0, base_url: \"" + up.base_url() + "\"}\n";
}

std::string chat(const std::string& text, const std::string& extra = R"("temperature":0,)") {
  return R"({"model":"mini",)" + extra + R"("messages":[{"role":"user","content":")" + text + R"("}]})";
}

std::string content_of(const std::string& body) {
  return std::string(json::parse(body).at("choices").at(0).at("message").at("content").as_string());
}

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = "/tmp/sy-cache-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::remove(db_.c_str());
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_ + suffix).c_str());
  }
  std::string db_;
  std::atomic<int> calls_{0};
  FakeUpstream up_{[this](const ReceivedRequest&, FakeConnection& c) {
    int n = ++calls_;
    c.send(200, completion_json("answer number " + std::to_string(n), "gpt-4o-mini"));
  }};
};

TEST_F(CacheTest, ARepeatedRequestIsAnsweredFromTheCacheWholeOrStreamed) {
  Switchyard sy(config_for(up_, db_));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto first = post_json(sy.port(), "/v1/chat/completions", chat("How many leave days?"), kAlice);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-switchyard-cache"), "miss");
  auto second = post_json(sy.port(), "/v1/chat/completions", chat("How many leave days?"), kAlice);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.header("x-switchyard-cache"), "hit");
  EXPECT_EQ(second.header("x-switchyard-route"), "mini");
  EXPECT_EQ(content_of(second.body), "answer number 1");
  EXPECT_EQ(calls_.load(), 1);

  // The same request streamed: the whole answer from the cache, as server-sent events.
  auto streamed = stream_request(sy.port(), "/v1/chat/completions",
                                 chat("How many leave days?", R"("temperature":0,"stream":true,)"),
                                 [](const std::string&, auto) { return true; }, kAlice);
  EXPECT_EQ(streamed.status, 200);
  EXPECT_EQ(streamed.header("x-switchyard-cache"), "hit");
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  EXPECT_NE(streamed.body.find(R"("content":"answer number 1")"), std::string::npos) << streamed.body;
  EXPECT_NE(streamed.body.find("data: [DONE]"), std::string::npos);
  EXPECT_EQ(calls_.load(), 1);

  // Another question is another entry.
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", chat("And sick days?"), kAlice).header("x-switchyard-cache"), "miss");
  EXPECT_EQ(calls_.load(), 2);

  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find(R"(switchyard_cache_requests_total{result="hit"} 2)"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("switchyard_cache_stored_total 2"), std::string::npos);
}

TEST_F(CacheTest, EntriesAreScopedToTheKey) {
  Switchyard sy(config_for(up_, db_));
  ASSERT_TRUE(sy.ready()) << sy.log();
  post_json(sy.port(), "/v1/chat/completions", chat("What is the VPN address?"), kAlice);
  auto bob = post_json(sy.port(), "/v1/chat/completions", chat("What is the VPN address?"), kBob);
  EXPECT_EQ(bob.header("x-switchyard-cache"), "miss");
  EXPECT_EQ(content_of(bob.body), "answer number 2");
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(CacheTest, SampledRequestsAreNotCachedUnlessTheConfigSaysSo) {
  {
    Switchyard sy(config_for(up_, db_));
    ASSERT_TRUE(sy.ready()) << sy.log();
    for (int i = 0; i < 2; ++i) {
      auto r = post_json(sy.port(), "/v1/chat/completions", chat("Tell me a story", ""), kAlice);
      EXPECT_EQ(r.header("x-switchyard-cache"), "");  // not consulted
    }
    EXPECT_EQ(calls_.load(), 2);
  }
  Switchyard sy(config_for(up_, db_, "cache: {ttl: 1m, sampled: true}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  post_json(sy.port(), "/v1/chat/completions", chat("Tell me a story", R"("temperature":0.7,)"), kAlice);
  auto again = post_json(sy.port(), "/v1/chat/completions", chat("Tell me a story", R"("temperature":0.7,)"), kAlice);
  EXPECT_EQ(again.header("x-switchyard-cache"), "hit");
  EXPECT_EQ(calls_.load(), 3);
}

TEST_F(CacheTest, ASensitiveRequestIsNeverStoredForACloudTarget) {
  // on_sensitive: redact lets the cloud target answer a sensitive request: its answer is not kept.
  Switchyard sy(config_for(up_, db_) + "privacy: {on_sensitive: redact}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (int i = 0; i < 2; ++i) {
    auto r = post_json(sy.port(), "/v1/chat/completions", chat("Email jane.doe@example.com the plan"), kAlice);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-switchyard-privacy"), "redact");
    EXPECT_EQ(r.header("x-switchyard-cache"), "miss");
  }
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(CacheTest, TheClientMayBypassTheCacheAndTheFreshAnswerIsKept) {
  Switchyard sy(config_for(up_, db_));
  ASSERT_TRUE(sy.ready()) << sy.log();
  post_json(sy.port(), "/v1/chat/completions", chat("Office hours?"), kAlice);
  auto headers = kAlice;
  headers["Cache-Control"] = "no-cache";
  auto fresh = post_json(sy.port(), "/v1/chat/completions", chat("Office hours?"), headers);
  EXPECT_EQ(fresh.header("x-switchyard-cache"), "bypass");
  EXPECT_EQ(content_of(fresh.body), "answer number 2");
  auto cached = post_json(sy.port(), "/v1/chat/completions", chat("Office hours?"), kAlice);
  EXPECT_EQ(cached.header("x-switchyard-cache"), "hit");
  EXPECT_EQ(content_of(cached.body), "answer number 2");
  headers = kAlice;
  headers["x-switchyard-cache"] = "bypass";
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", chat("Office hours?"), headers).header("x-switchyard-cache"), "bypass");
  headers = kAlice;
  headers["Cache-Control"] = "no-store";
  post_json(sy.port(), "/v1/chat/completions", chat("Parking?"), headers);
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", chat("Parking?"), kAlice).header("x-switchyard-cache"), "miss");
  EXPECT_EQ(calls_.load(), 5);
}

TEST_F(CacheTest, AHitIsAuditedWithWhatItSavedAndCostsNothing) {
  {
    Switchyard sy(config_for(up_, db_));
    ASSERT_TRUE(sy.ready()) << sy.log();
    post_json(sy.port(), "/v1/chat/completions", chat("Expense policy?"), kAlice);
    auto hit = post_json(sy.port(), "/v1/chat/completions", chat("Expense policy?"), kAlice);
    ASSERT_EQ(hit.header("x-switchyard-cache"), "hit");
    sy.terminate();
    ASSERT_EQ(sy.wait_exit(10s), 0);
  }
  auto exported = run_switchyard({"audit", "export", "--store", "sqlite:" + db_});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::vector<json::object> records;
  std::istringstream lines(exported.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("{")) records.push_back(json::parse(line).as_object());
  }
  ASSERT_EQ(records.size(), 2u) << exported.output;
  EXPECT_EQ(records[0].at("cache").as_string(), "miss");
  EXPECT_EQ(records[1].at("cache").as_string(), "hit");
  // The made answer cost what gpt-4o-mini charges for its usage (9 + 3 tokens); the hit nothing.
  double cost = std::stod(json::serialize(records[0].at("cost_usd")));
  EXPECT_GT(cost, 0);
  EXPECT_EQ(std::stod(json::serialize(records[1].at("cost_usd"))), 0);
  EXPECT_EQ(std::stod(json::serialize(records[1].at("cost_saved_usd"))), cost);
  EXPECT_EQ(records[1].at("prompt_tokens").as_int64(), 0);
}

}  // namespace
}  // namespace sy::testing
