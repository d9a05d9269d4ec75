// The same cloud target tried again on 429/5xx with backoff, honoring Retry-After; never on a
// client error, and never after a streamed byte reached the client.
#include <gtest/gtest.h>

#include <atomic>

#include "harness.h"

namespace sy::testing {
namespace {

const std::string kChat = R"({"model":"cloud","messages":[{"role":"user","content":"hi"}]})";
const std::string kStream = R"({"model":"cloud","stream":true,"messages":[{"role":"user","content":"hi"}]})";

std::string config_for(const FakeUpstream& up) {
  return "log: {access: off}\nmodels:\n  - {name: cloud, provider: openai_compat, base_url: \"" + up.base_url() +
         "\", timeout: 20s}\n";
}

TEST(Retry, ServerErrorsAreRetriedUntilAnAnswer) {
  std::atomic<int> calls{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    if (++calls <= 2) c.send(503, R"({"error":{"message":"busy","type":"server_error"}})");
    else c.send(200, completion_json("third time lucky"));
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("third time lucky"), std::string::npos);
  EXPECT_EQ(calls.load(), 3);
}

TEST(Retry, RetryAfterIsWaitedFor) {
  std::atomic<int> calls{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    if (++calls == 1) c.send(429, R"({"error":{"message":"slow down","type":"rate_limit_error"}})", {{"Retry-After", "1"}});
    else c.send(200, completion_json("ok"));
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto t0 = std::chrono::steady_clock::now();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(calls.load(), 2);
}

TEST(Retry, ClientErrorsAreNotRetriedAndAttemptsAreBounded) {
  std::atomic<int> calls{0};
  FakeUpstream bad([&](const ReceivedRequest&, FakeConnection& c) {
    ++calls;
    c.send(400, R"({"error":{"message":"bad field","type":"invalid_request_error"}})");
  });
  Switchyard sy(config_for(bad));
  ASSERT_TRUE(sy.ready()) << sy.log();
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat).status, 400);
  EXPECT_EQ(calls.load(), 1);

  std::atomic<int> down_calls{0};
  FakeUpstream down([&](const ReceivedRequest&, FakeConnection& c) {
    ++down_calls;
    c.send(500, R"({"error":{"message":"broken","type":"server_error"}})");
  });
  Switchyard sy2(config_for(down));
  ASSERT_TRUE(sy2.ready()) << sy2.log();
  EXPECT_EQ(post_json(sy2.port(), "/v1/chat/completions", kChat).status, 502);
  EXPECT_EQ(down_calls.load(), 3);  // the policy's three tries
}

TEST(Retry, AStreamIsRetriedOnlyBeforeItsFirstByte) {
  std::atomic<int> calls{0};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    int n = ++calls;
    if (n == 1) {
      c.send(502, R"({"error":{"message":"bad gateway","type":"server_error"}})");
      return;
    }
    // Second try: one chunk, then the connection drops.
    if (!c.start_stream()) return;
    c.send_chunk(chunk_event("partial"));
    std::this_thread::sleep_for(300ms);  // the chunk reaches the client before the reset can drop it
    c.reset();
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kStream);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("partial"), std::string::npos);
  EXPECT_NE(r.body.find("\"error\""), std::string::npos);  // a clean error event ends it
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  EXPECT_EQ(calls.load(), 2);
}

}  // namespace
}  // namespace sy::testing
