// Upstream connection details: TLS with certificate and host name verification against a CA made
// at test time, the Azure OpenAI preset (deployment URL, api-version, api-key header), and extra
// headers from the config.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-client"}};
const std::string kChat = R"({"model":"cloud","messages":[{"role":"user","content":"hi"}]})";
const std::string kStreamChat = R"({"model":"cloud","stream":true,"messages":[{"role":"user","content":"hi"}]})";

// One model named "cloud"; `model_keys` are the lines after `name` (each "    key: value\n").
std::string config_with(const std::string& model_keys, const std::string& more_models = "") {
  return "log: {access: off}\n"
         "threads: 1\n"
         "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
         "models:\n  - name: cloud\n" +
         model_keys + more_models;
}

std::string content_of(const std::string& body) {
  auto v = json::parse(body).as_object();
  return std::string(v["choices"].as_array()[0].as_object()["message"].as_object()["content"].as_string());
}

std::string error_type_of(const std::string& body) {
  auto v = json::parse(body);
  return std::string(v.as_object().at("error").as_object().at("type").as_string());
}

auto answer(const std::string& content) {
  return [content](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json(content)); };
}

// ---------------------------------------------------------------- TLS

class UpstreamTls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(pki_.ok()) << pki_.error(); }
  TlsFiles issue(const std::string& name, const std::string& cn, const std::string& san) {
    auto files = pki_.issue(name, cn, san);
    EXPECT_TRUE(pki_.ok()) << pki_.error();
    return files;
  }
  // The upstream presents `cert`; switchyard must refuse the handshake and send it nothing.
  void expect_refused(const TlsFiles& cert, bool trust_our_ca, const std::string& why) {
    FakeUpstream up(answer("must not be seen"), cert);
    std::string ca = trust_our_ca ? "\n    ca_file: " + pki_.ca_file() : "";
    Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() + ca + "\n"));
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(error_type_of(r.body), "upstream_error") << r.body;
    EXPECT_TRUE(eventually([&] { return up.tls_handshake_failures() >= 1; }, 2s));
    EXPECT_EQ(up.tls_handshakes(), 0);
    EXPECT_TRUE(up.requests().empty()) << "the request body went to " << why;
  }
  TestPki pki_;
};

TEST_F(UpstreamTls, CertificateFromTheConfiguredCaIsTrusted) {
  auto cert = issue("server", "127.0.0.1", "IP:127.0.0.1");
  ASSERT_FALSE(cert.cert_chain_file.empty());
  FakeUpstream up(answer("over tls"), cert);
  ASSERT_EQ(up.base_url().rfind("https://127.0.0.1:", 0), 0u);
  Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() +
                            "\n    api_key: sk-upstream\n    ca_file: " + pki_.ca_file() + "\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();

  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  ASSERT_EQ(r.status, 200) << r.body << "\n" << sy.log();
  EXPECT_EQ(content_of(r.body), "over tls");
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/v1/chat/completions");
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer sk-upstream");
  EXPECT_EQ(seen[0].headers["host"], "127.0.0.1:" + std::to_string(up.port()));
  EXPECT_EQ(up.tls_handshakes(), 1);
  EXPECT_EQ(up.tls_handshake_failures(), 0);

  // A second request reuses the verified connection.
  auto again = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(up.tls_handshakes(), 1);
  EXPECT_EQ(up.requests().size(), 2u);
}

TEST_F(UpstreamTls, StreamOverTls) {
  auto cert = issue("server", "127.0.0.1", "IP:127.0.0.1");
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("secure"));
    c.send_chunk(chunk_event(" stream", "stop"));
    c.send_chunk("data: [DONE]\n\n");
    c.end_stream();
  }, cert);
  Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() +
                            "\n    ca_file: " + pki_.ca_file() + "\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStreamChat, [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"secure\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\" stream\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos) << r.body;
}

TEST_F(UpstreamTls, WithoutTheCaFileTheCertificateIsNotTrusted) {
  expect_refused(issue("server", "127.0.0.1", "IP:127.0.0.1"), false, "an unverified upstream");
}

TEST_F(UpstreamTls, CertificateForAnotherHostIsRejected) {
  // Signed by the trusted CA, but for other.example: the host name check must refuse it.
  expect_refused(issue("other", "other.example", "DNS:other.example"), true, "an upstream with the wrong name");
}

TEST_F(UpstreamTls, IpInCommonNameOnlyIsNotEnough) {
  // CN=127.0.0.1 but no IP SAN: IP addresses are matched against subjectAltName entries only.
  expect_refused(issue("cn-only", "127.0.0.1", "DNS:other.example"), true, "an upstream named only in its CN");
}

TEST_F(UpstreamTls, UnreadableCaFileMakesTheModelUnavailable) {
  auto cert = issue("server", "127.0.0.1", "IP:127.0.0.1");
  FakeUpstream up(answer("must not be seen"), cert);
  Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() +
                            "\n    ca_file: " + pki_.dir() + "/no-such-ca.pem\n"));
  if (!sy.ready()) return;  // refusing to start is fine too
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  EXPECT_NE(r.status, 200) << r.body;
  EXPECT_TRUE(up.requests().empty());
}

// RFC 6066 §3 forbids a literal IP address as the TLS server name.
TEST_F(UpstreamTls, NoServerNameIndicationForAnIpHost) {
  auto cert = issue("server", "127.0.0.1", "IP:127.0.0.1");
  FakeUpstream up(answer("ok"), cert);
  Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() +
                            "\n    ca_file: " + pki_.ca_file() + "\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(up.last_sni(), "");
}

// A connection verified with one model's ca_file must not be reused for another model to the
// same host:port that does not trust that CA.
TEST_F(UpstreamTls, PooledConnectionIsNotSharedAcrossTrustSettings) {
  auto cert = issue("server", "127.0.0.1", "IP:127.0.0.1");
  FakeUpstream up(answer("ok"), cert);
  Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() +
                                "\n    ca_file: " + pki_.ca_file() + "\n",
                            "  - name: cloud-untrusted\n    provider: openai_compat\n    base_url: " +
                                up.base_url() + "\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto trusted = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  ASSERT_EQ(trusted.status, 200) << trusted.body;
  auto untrusted = post_json(sy.port(), "/v1/chat/completions",
                             R"({"model":"cloud-untrusted","messages":[{"role":"user","content":"hi"}]})", kAuth);
  EXPECT_EQ(untrusted.status, 502) << "a connection verified for another model's CA was reused";
  EXPECT_EQ(up.requests().size(), 1u);
}

// ---------------------------------------------------------------- Azure

std::string azure_config(const FakeUpstream& up, const std::string& extra = "") {
  return config_with("    provider: azure\n    base_url: http://127.0.0.1:" + std::to_string(up.port()) +
                     "\n    deployment: gpt4o-prod\n    api_version: 2024-10-21\n    api_key: az-key\n" + extra);
}

TEST(Azure, DeploymentUrlApiVersionAndApiKeyHeader) {
  FakeUpstream up(answer("from azure"));
  Switchyard sy(azure_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(content_of(r.body), "from azure");
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(seen[0].headers["api-key"], "az-key");
  EXPECT_EQ(seen[0].headers.count("authorization"), 0u) << seen[0].headers["authorization"];
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  auto sent = json::parse(seen[0].body).as_object();
  EXPECT_EQ(sent["messages"].as_array().size(), 1u);
}

TEST(Azure, Streams) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("az"));
    c.send_chunk(chunk_event("ure", "stop"));
    c.send_chunk("data: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy(azure_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStreamChat, [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/event-stream");
  auto az = r.body.find("\"az\""), ure = r.body.find("\"ure\""), done = r.body.find("data: [DONE]");
  EXPECT_TRUE(az != std::string::npos && az < ure && ure != std::string::npos && ure < done &&
              done != std::string::npos)
      << r.body;
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(seen[0].headers["api-key"], "az-key");
  EXPECT_EQ(seen[0].headers.count("authorization"), 0u);
  EXPECT_EQ(seen[0].headers["accept"], "text/event-stream");
  auto sent = json::parse(seen[0].body).as_object();
  EXPECT_TRUE(sent["stream"].as_bool());
}

TEST(Azure, LegacyCompletionsUseTheDeploymentUrlToo) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(200, R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m",)"
                R"("choices":[{"index":0,"text":"done","finish_reason":"stop"}]})");
  });
  Switchyard sy(azure_config(up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/completions", R"({"model":"cloud","prompt":"say done"})", kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/openai/deployments/gpt4o-prod/completions?api-version=2024-10-21");
}

// ---------------------------------------------------------------- extra headers

TEST(ExtraHeaders, ConfiguredHeadersReachTheUpstream) {
  FakeUpstream up(answer("ok"));
  Switchyard sy(config_with("    provider: openai_compat\n    base_url: " + up.base_url() +
                            "\n    api_key: sk-upstream\n    headers: {OpenAI-Organization: org-1, X-Trace: on}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", kChat, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].headers["openai-organization"], "org-1");
  EXPECT_EQ(seen[0].headers["x-trace"], "on");
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer sk-upstream");
}

TEST(ExtraHeaders, ReachAnAzureUpstreamWhenStreaming) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.start_stream();
    c.send_chunk(chunk_event("x", "stop"));
    c.send_chunk("data: [DONE]\n\n");
    c.end_stream();
  });
  Switchyard sy(azure_config(up, "    headers: {OpenAI-Organization: org-1}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = stream_request(sy.port(), "/v1/chat/completions", kStreamChat, [](auto&, auto) { return true; }, kAuth);
  ASSERT_EQ(r.status, 200) << r.body;
  auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].headers["openai-organization"], "org-1");
  EXPECT_EQ(seen[0].headers["api-key"], "az-key");
}

}  // namespace
}  // namespace sy::testing
