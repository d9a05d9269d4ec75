// The gateway in front of a scripted OpenAI-compatible upstream: answers, streams, failures.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

std::string config_for(const FakeUpstream& up, const std::string& extra_model_keys = "") {
  return "log: {access: off}\n"
         "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
         "models:\n  - name: cloud-fast\n    provider: openai_compat\n    base_url: " + up.base_url() +
         "\n    api_key: sk-upstream\n    model: gpt-upstream\n" + extra_model_keys;
}

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-client"}};
const std::string kChat = R"({"model":"cloud-fast","messages":[{"role":"user","content":"hi"}]})";
const std::string kStreamChat =
    R"({"model":"cloud-fast","stream":true,"messages":[{"role":"user","content":"hi"}]})";

TEST(Proxy, PlainAnswerIsRelayedWithItsHeaders) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("hello there")); });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto body = R"({"model":"cloud-fast","messages":[{"role":"user","content":"hi"}],"seed":7,"user":"u1",)"
              R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]})";
  auto r = post_json(sy.port(), "/v1/chat/completions", body,
                     {{"Authorization", "Bearer sk-client"}, {"x-request-id", "abc-123"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json::parse(r.body).as_object();
  EXPECT_EQ(v["choices"].as_array()[0].as_object()["message"].as_object()["content"].as_string(), "hello there");
  EXPECT_EQ(v["usage"].as_object()["total_tokens"].as_int64(), 12);
  EXPECT_EQ(v["system_fingerprint"].as_string(), "fp_1");
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
  EXPECT_EQ(r.header("x-switchyard-privacy"), "any");
  EXPECT_EQ(r.header("x-request-id"), "abc-123");

  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/v1/chat/completions");
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer sk-upstream");  // ours, not the client's
  auto sent = json::parse(seen[0].body).as_object();
  EXPECT_EQ(sent["model"].as_string(), "gpt-upstream");
  EXPECT_EQ(sent["seed"].as_int64(), 7);
  EXPECT_EQ(sent["user"].as_string(), "u1");
  EXPECT_EQ(sent["tools"].as_array()[0].as_object()["function"].as_object()["name"].as_string(), "f");
}

TEST(Proxy, StreamIsRelayedChunkByChunkAsItArrives) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (const char* word : {"one", "two", "three"}) {
      c.send_chunk(chunk_event(word));
      std::this_thread::sleep_for(300ms);
    }
    c.send_chunk(chunk_event("", "stop"));
    c.send_chunk(
        R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}})"
        "\n\ndata: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  std::vector<std::chrono::milliseconds> arrivals;
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStreamChat, [&](const std::string& bytes, auto at) {
    if (bytes.find("\"content\":\"one\"") != std::string::npos) arrivals.push_back(at);
    return true;
  }, kAuth);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
  ASSERT_EQ(arrivals.size(), 1u);
  EXPECT_LT(arrivals[0].count(), 600) << "the first chunk waited for the rest of the stream";
  auto one = r.body.find("one"), two = r.body.find("two"), three = r.body.find("three");
  EXPECT_TRUE(one < two && two < three && three != std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("\"usage\""), std::string::npos) << "usage was not asked for";
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  // Usage is always asked of the upstream, so the gateway can meter the stream.
  auto sent = json::parse(up.requests()[0].body).as_object();
  EXPECT_TRUE(sent["stream_options"].as_object()["include_usage"].as_bool());
}

TEST(Proxy, StreamCarriesUsageWhenAskedFor) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("hi", "stop"));
    c.send_chunk(
        R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}})"
        "\n\ndata: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto body = R"({"model":"cloud-fast","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})";
  auto r = stream_request(sy.port(), "/v1/chat/completions", body, [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6})"), std::string::npos)
      << r.body;
}

TEST(Proxy, SlowUpstreamTimesOutWith504) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    std::this_thread::sleep_for(1500ms);
    c.send(200, completion_json("too late"));
  });
  Switchyard sy(config_for(up, "    first_byte_timeout: 300ms\n    retries: 0\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto t0 = std::chrono::steady_clock::now();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(json::parse(r.body).as_object()["error"].as_object()["code"].as_string(), "upstream_timeout");
  EXPECT_LT(took, 1200ms);
}

TEST(Proxy, Upstream500Becomes502) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(500, R"({"error":{"message":"boom","type":"server_error"}})");
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  EXPECT_EQ(r.status, 502);
  auto err = json::parse(r.body).as_object()["error"].as_object();
  EXPECT_EQ(err["type"].as_string(), "upstream_error");
  // The upstream's words about its own failure are the operator's (logged), not the client's.
  EXPECT_EQ(std::string(err["message"].as_string()), "The upstream failed (500).");
  EXPECT_NE(sy.log().find("boom"), std::string::npos);
}

TEST(Proxy, Upstream429KeepsRetryAfter) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(429, R"({"error":{"message":"slow down","type":"rate_limit_error"}})", {{"Retry-After", "7"}});
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after"), "7");
  EXPECT_EQ(json::parse(r.body).as_object()["error"].as_object()["type"].as_string(), "rate_limit_error");
}

TEST(Proxy, MalformedUpstreamJsonBecomes502) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, R"({"choices": [ {"mess)"); });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(json::parse(r.body).as_object()["error"].as_object()["type"].as_string(), "upstream_error");
}

TEST(Proxy, ConnectionResetBecomes502) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.reset(); });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  EXPECT_EQ(r.status, 502) << r.body;
}

TEST(Proxy, UnreachableUpstreamBecomes502) {
  uint16_t dead_port;
  {
    FakeUpstream gone([](const ReceivedRequest&, FakeConnection&) {});
    dead_port = gone.port();
  }
  Switchyard sy("log: {access: off}\nmodels:\n  - {name: m, provider: openai_compat, base_url: \"http://127.0.0.1:" +
                std::to_string(dead_port) + "/v1\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"m","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(r.status, 502) << r.body;
}

TEST(Proxy, TruncatedStreamEndsWithAnErrorEventAndNoDone) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("partial"));
    c.send_chunk("data: {\"id\":\"chatcmpl-1\",\"obj");
    c.close();
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStreamChat, [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("partial"), std::string::npos);
  EXPECT_NE(r.body.find(R"(data: {"error":{)"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
}

TEST(Proxy, StreamErrorBeforeFirstChunkIsAnOrdinaryErrorResponse) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(503, R"({"error":{"message":"overloaded"}})");
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kStreamChat, kAuth);
  EXPECT_EQ(r.status, 503);  // the upstream's 503 stays a 503: the target is unavailable for now
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST(Proxy, ClientDisconnectMidStreamCancelsTheUpstream) {
  std::atomic<FakeUpstream*> self{nullptr};
  FakeUpstream up([&](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (int i = 0; i < 100; ++i) {  // at most 10 s
      if (!c.send_chunk(chunk_event("tick"))) {
        self.load()->note_cancel();
        return;
      }
      std::this_thread::sleep_for(100ms);
    }
    c.end_stream();
  });
  self = &up;
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto t0 = std::chrono::steady_clock::now();
  stream_request(sy.port(), "/v1/chat/completions", kStreamChat,
                 [](const std::string& bytes, auto) { return bytes.find("tick") == std::string::npos; }, kAuth);
  EXPECT_TRUE(eventually([&] { return up.saw_cancel(); }, 3s)) << "the upstream kept streaming to nobody";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
}

TEST(Proxy, StreamPastTheTotalTimeoutEndsWithATimeoutEvent) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (int i = 0; i < 50; ++i) {  // 5 s, far past the 1 s budget
      if (!c.send_chunk(chunk_event("slow"))) return;
      std::this_thread::sleep_for(100ms);
    }
    c.end_stream();
  });
  Switchyard sy(config_for(up, "    timeout: 1s\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto t0 = std::chrono::steady_clock::now();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStreamChat, [](auto&, auto) { return true; }, kAuth);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("slow"), std::string::npos);
  EXPECT_NE(r.body.find(R"("code":"upstream_timeout")"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  EXPECT_GT(took, 900ms);
  EXPECT_LT(took, 2500ms);
}

TEST(Proxy, KeepAliveReusesOneUpstreamConnection) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("ok")); });
  Switchyard sy("threads: 1\n" + config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat, kAuth).status, 200);
  EXPECT_EQ(up.connections_accepted(), 1);
}

TEST(Proxy, LegacyCompletionsEndpoint) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(200, R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" world","finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})");
  });
  Switchyard sy(config_for(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/completions", R"({"model":"cloud-fast","prompt":"hello","max_tokens":5})", kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json::parse(r.body).as_object();
  EXPECT_EQ(v["object"].as_string(), "text_completion");
  EXPECT_EQ(v["choices"].as_array()[0].as_object()["text"].as_string(), " world");
  EXPECT_EQ(up.requests()[0].target, "/v1/completions");
}

}  // namespace
}  // namespace sy::testing
