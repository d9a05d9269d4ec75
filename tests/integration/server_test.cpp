// The front door: bad input, limits, auth, metrics, health, drain, config errors.
#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

std::string config_for(const FakeUpstream& up) {
  return "log: {access: off}\n"
         "limits: {max_body: 4KiB, max_header: 2KiB, header_timeout: 1s}\n"
         "keys:\n  - {name: alice, key: sk-alice, models: [\"*\"]}\n"
         "  - {name: bob, key: sk-bob, models: [\"other-*\"]}\n"
         "models:\n  - {name: cloud-fast, provider: openai_compat, base_url: \"" + up.base_url() + "\"}\n";
}

const std::map<std::string, std::string> kAlice = {{"Authorization", "Bearer sk-alice"}};
const std::string kChat = R"({"model":"cloud-fast","messages":[{"role":"user","content":"hi"}]})";

json::object error_of(const HttpResult& r) { return json::parse(r.body).as_object()["error"].as_object(); }

class Server : public ::testing::Test {
 protected:
  FakeUpstream up{[](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("ok")); }};
  Switchyard sy{config_for(up)};
  void SetUp() override { ASSERT_TRUE(sy.ready()) << sy.log(); }
};

TEST_F(Server, MalformedJsonIs400InOpenAIShape) {
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model": "cloud-fast", )", kAlice);
  EXPECT_EQ(r.status, 400);
  auto e = error_of(r);
  EXPECT_EQ(e["type"].as_string(), "invalid_request_error");
  EXPECT_TRUE(e.contains("param") && e.contains("code"));
}

TEST_F(Server, InvalidUtf8Is400) {
  auto r = post_json(sy.port(), "/v1/chat/completions",
                     "{\"model\":\"cloud-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}", kAlice);
  EXPECT_EQ(r.status, 400);
}

TEST_F(Server, InvalidFieldNamesTheParam) {
  auto r = post_json(sy.port(), "/v1/chat/completions",
                     R"({"model":"cloud-fast","temperature":5,"messages":[{"role":"user","content":"hi"}]})", kAlice);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r)["param"].as_string(), "temperature");
}

TEST_F(Server, MissingOrWrongKeyIs401) {
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat).status, 401);
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-nobody"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_of(r)["type"].as_string(), "authentication_error");
  EXPECT_EQ(r.body.find("sk-nobody"), std::string::npos) << "the presented key must not be echoed";
}

TEST_F(Server, KeyWithoutAccessToTheModelIs403) {
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, {{"Authorization", "Bearer sk-bob"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(up.requests().empty());
}

TEST_F(Server, UnknownModelIs404) {
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"nope","messages":[{"role":"user","content":"x"}]})",
                     kAlice);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_of(r)["code"].as_string(), "model_not_found");
}

TEST_F(Server, BodyOverTheLimitIs413) {
  std::string big = R"({"model":"cloud-fast","messages":[{"role":"user","content":")" + std::string(8000, 'a') + "\"}]}";
  auto r = post_json(sy.port(), "/v1/chat/completions", big, kAlice);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(error_of(r)["type"].as_string(), "invalid_request_error");
  EXPECT_TRUE(up.requests().empty());
}

TEST_F(Server, HeadersOverTheLimitAre431) {
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat,
                     {{"Authorization", "Bearer sk-alice"}, {"x-padding", std::string(4000, 'p')}});
  EXPECT_EQ(r.status, 431);
}

TEST_F(Server, UnknownPathIs404AndWrongMethodIs405) {
  EXPECT_EQ(http_request(sy.port(), "GET", "/v2/nothing").status, 404);
  EXPECT_EQ(http_request(sy.port(), "GET", "/v1/chat/completions").status, 405);
}

TEST_F(Server, WrongMethodAnswersLeaveTheServerUp) {
  // Each 405 used to free a pointer into its coroutine frame (GCC 12, a braced Error temporary in
  // a co_await): the release binary aborted right after the first answer.
  for (const char* path : {"/v1/chat/completions", "/v1/completions", "/v1/models", "/healthz", "/metrics"}) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(http_request(sy.port(), "PUT", path).status, 405) << path;
  }
  auto r = http_request(sy.port(), "GET", "/v1/chat/completions");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(error_of(r)["message"].as_string(), "Use POST for /v1/chat/completions.");
  EXPECT_EQ(error_of(r)["code"].as_string(), "method_not_allowed");
  EXPECT_EQ(http_request(sy.port(), "GET", "/healthz").status, 200);
}

TEST_F(Server, ModelsListsWhatTheKeyMayUse) {
  auto r = http_request(sy.port(), "GET", "/v1/models", {}, kAlice);
  ASSERT_EQ(r.status, 200);
  auto data = json::parse(r.body).as_object()["data"].as_array();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].as_object().at("id").as_string(), "cloud-fast");
  auto bob = http_request(sy.port(), "GET", "/v1/models", {}, {{"Authorization", "Bearer sk-bob"}});
  EXPECT_TRUE(json::parse(bob.body).as_object()["data"].as_array().empty());
}

TEST_F(Server, HealthAndReadiness) {
  EXPECT_EQ(http_request(sy.port(), "GET", "/healthz").status, 200);
  auto r = http_request(sy.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).as_object()["targets"].as_object()["cloud-fast"].as_string(), "healthy");
}

TEST_F(Server, MetricsCountRequestsByModelAndStatus) {
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat, kAlice).status, 200);
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat, kAlice).status, 200);
  post_json(sy.port(), "/v1/chat/completions", kChat);  // 401
  // An exchange is counted once its last byte is written, a moment after the client has it:
  // another connection's scrape may come first, so wait for the counts rather than sleep.
  std::string m;
  eventually([&] {
    m = http_request(sy.port(), "GET", "/metrics").body;
    return m.find("status=\"401\"} 1") != std::string::npos &&
           m.find("switchyard_requests_total{model=\"cloud-fast\",status=\"200\"} 2") != std::string::npos;
  }, 2s);
  EXPECT_NE(m.find("switchyard_requests_total{model=\"cloud-fast\",status=\"200\"} 2"), std::string::npos) << m;
  EXPECT_NE(m.find("status=\"401\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("switchyard_request_duration_seconds_count{model=\"cloud-fast\"} 2"), std::string::npos) << m;
  EXPECT_NE(m.find("switchyard_tokens_total{model=\"cloud-fast\",direction=\"prompt\"} 18"), std::string::npos) << m;
  EXPECT_NE(m.find("switchyard_requests_in_flight 1"), std::string::npos) << "the /metrics request itself";
}

TEST_F(Server, SlowClientIsCutOffAfterTheHeaderTimeout) {
  // Not sending a full request head: the server must close rather than wait forever.
  net::io_context ioc;
  tcp::socket s(ioc);
  s.connect({net::ip::make_address("127.0.0.1"), sy.port()});
  net::write(s, net::buffer(std::string("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")));
  timeval tv{15, 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[256];
  boost::system::error_code ec;
  auto t0 = std::chrono::steady_clock::now();
  s.read_some(net::buffer(buf), ec);  // blocks until the server gives up on us
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GT(waited, 800ms) << "cut off before the configured header_timeout";
  EXPECT_LT(waited, 4s);
}

TEST(ServerStart, ConfigErrorNamesKeyAndLineAndExits2) {
  Switchyard sy("models:\n  - name: x\n    provider: openai_compat\n    bse_url: http://127.0.0.1:1\n");
  EXPECT_FALSE(sy.ready());
  EXPECT_EQ(sy.wait_exit(5s), 2);
  EXPECT_NE(sy.log().find(":5: unknown key 'models[0].bse_url'"), std::string::npos) << sy.log();
}

TEST(ServerStart, OpenModeAndInactiveFeaturesAreAnnounced) {
  Switchyard sy("log: {access: off}\nmodels:\n  - {name: faq-local, provider: local, path: /nonexistent.gguf}\n"
                "audit: {durable: true}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto log = sy.log();
  EXPECT_NE(log.find("no API keys configured"), std::string::npos) << log;
  EXPECT_NE(log.find("no store configured: the registry, the audit trail and usage are kept in memory"), std::string::npos)
      << log;
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"faq-local","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("x-switchyard-route"), "") << "nothing answered, so no route is claimed";
  EXPECT_EQ(r.header("x-switchyard-privacy"), "any");
  EXPECT_EQ(http_request(sy.port(), "GET", "/readyz").status, 503);
}

TEST(Drain, SigtermLetsAStreamFinishThenExitsZero) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    for (int i = 0; i < 10; ++i) {
      if (!c.send_chunk(chunk_event("part"))) return;
      std::this_thread::sleep_for(150ms);
    }
    c.send_chunk("data: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy("log: {access: off}\ndrain_timeout: 10s\nmodels:\n  - {name: m, provider: openai_compat, base_url: \"" +
                up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  bool signalled = false;
  auto r = stream_request(sy.port(), "/v1/chat/completions",
                          R"({"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]})",
                          [&](const std::string&, auto) {
                            if (!signalled) {
                              sy.terminate();
                              signalled = true;
                              // New connections are refused once the drain has begun.
                              EXPECT_TRUE(eventually([&] {
                                net::io_context ioc;
                                tcp::socket s(ioc);
                                boost::system::error_code ec;
                                s.connect({net::ip::make_address("127.0.0.1"), sy.port()}, ec);
                                return static_cast<bool>(ec);
                              }, 2s));
                            }
                            return true;
                          });
  EXPECT_TRUE(signalled);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos) << "the in-flight stream was cut: " << r.body;
  EXPECT_EQ(sy.wait_exit(5s), 0) << sy.log();
}

}  // namespace
}  // namespace sy::testing
