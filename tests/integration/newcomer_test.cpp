// The traps of a newcomer's first hour: relative paths read from the wrong folder, an
// audit verdict on an empty store, a check-config that passes a missing model, a /readyz that
// cannot tell "broken" from "never configured", an error that names only the last target, a
// sensitive request refused with the local engine's words, and benchmark clients' ignore_eos.
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "harness.h"
#include "ops/audit_test_support.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// Runs the rest of a test from another directory, as a newcomer's shell would.
class InDirectory {
 public:
  explicit InDirectory(const std::string& dir) : before_(fs::current_path()) { fs::current_path(dir); }
  ~InDirectory() { fs::current_path(before_); }

 private:
  fs::path before_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A port nothing listens on: connecting is refused at once.
uint16_t closed_port() {
  net::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

json::object error_of(const HttpResult& r) { return json::parse(r.body).as_object()["error"].as_object(); }

// ---------------------------------------------------------------- audit and relative paths

TEST(NewcomerAudit, VerifyReadsTheStoreNextToTheConfigFromAnyDirectory) {
  TempDir home("sy-newcomer-home");
  TempDir elsewhere("sy-newcomer-cwd");
  fs::create_directories(home.file("var"));
  ASSERT_TRUE(write_sample_chain("sqlite:" + home.file("var/audit.db"), 5));
  auto config = home.file("switchyard.yaml");
  std::ofstream(config) << "store: sqlite:var/audit.db\n";
  InDirectory cwd(elsewhere.file(""));
  auto r = run_switchyard({"audit", "verify", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "ok: 5 records")) << r.output;
  EXPECT_FALSE(fs::exists(elsewhere.file("var/audit.db"))) << "a store was created in the current directory";
}

TEST(NewcomerAudit, VerifyAndExportRefuseAMissingStoreInsteadOfReadingAnother) {
  TempDir home("sy-newcomer-home");
  TempDir elsewhere("sy-newcomer-cwd");
  // The current directory holds a store of its own at the same relative path: not the one meant.
  fs::create_directories(elsewhere.file("var"));
  ASSERT_TRUE(write_sample_chain("sqlite:" + elsewhere.file("var/audit.db"), 3));
  auto config = home.file("switchyard.yaml");
  std::ofstream(config) << "store: sqlite:var/audit.db\n";
  InDirectory cwd(elsewhere.file(""));
  for (const std::string command : {"verify", "export"}) {
    auto r = run_switchyard({"audit", command, "--config", config});
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.output;
    EXPECT_TRUE(contains(r.output, "no store")) << r.output;
    EXPECT_TRUE(contains(r.output, home.file("var/audit.db"))) << "names the path it looked at: " << r.output;
    EXPECT_FALSE(fs::exists(home.file("var/audit.db"))) << command << " created a store";
  }
}

// ---------------------------------------------------------------- check-config

TEST(NewcomerCheckConfig, AMissingOrForeignModelFileFails) {
  TempDir home("sy-newcomer-home");
  fs::create_directories(home.file("models"));
  fs::copy_file(tiny_model_path(), home.file("models/good.gguf"));
  std::ofstream(home.file("models/page.gguf")) << "<html>404 Not Found</html>\n";
  auto write = [&](const std::string& path) {
    std::ofstream(home.file("c.yaml")) << "models:\n  - {name: m, provider: local, path: " << path << "}\n";
    return home.file("c.yaml");
  };
  TempDir elsewhere("sy-newcomer-cwd");
  InDirectory cwd(elsewhere.file(""));
  auto ok = run_switchyard({"check-config", "--config", write("models/good.gguf")});
  EXPECT_EQ(ok.exit_code, 0) << "a relative model path is read next to the config: " << ok.output;
  auto missing = run_switchyard({"check-config", "--config", write("models/none.gguf")});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_TRUE(contains(missing.output, "model 'm'") && contains(missing.output, "does not exist")) << missing.output;
  auto foreign = run_switchyard({"check-config", "--config", write("models/page.gguf")});
  EXPECT_EQ(foreign.exit_code, 2) << foreign.output;
  EXPECT_TRUE(contains(foreign.output, "not a GGUF file")) << foreign.output;
}

TEST(NewcomerCheckConfig, WarnsAboutACloudTargetWithoutCredentials) {
  TempDir home("sy-newcomer-home");
  std::ofstream(home.file("c.yaml")) << "models:\n"
                                        "  - {name: cloud-fast, provider: openai, api_key: \"${SY_TEST_UNSET_KEY:-}\"}\n"
                                        "  - {name: keyed, provider: anthropic, api_key: sk-ant-x}\n";
  auto r = run_switchyard({"check-config", "--config", home.file("c.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "'cloud-fast'") && contains(r.output, "no API key")) << r.output;
  EXPECT_FALSE(contains(r.output, "'keyed'")) << r.output;
}

// ---------------------------------------------------------------- /readyz and the start-up log

TEST(NewcomerReadiness, UnconfiguredTargetsAreNamedAndTheServerIsDegraded) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("hi")); });
  Switchyard sy("log: {access: off}\n"
                "models:\n"
                "  - {name: fake, provider: openai_compat, base_url: \"" + up.base_url() + "\"}\n"
                "  - {name: nokey, provider: openai, base_url: \"" + up.base_url() + "\", api_key: \"\"}\n"
                "  - {name: nofile, provider: local, path: models/none.gguf}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = http_request(sy.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 200) << r.body;
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body["status"].as_string(), "degraded");
  auto& targets = body["targets"].as_object();
  EXPECT_EQ(targets["fake"].as_string(), "healthy");
  EXPECT_EQ(targets["nokey"].as_string(), "unconfigured");
  EXPECT_EQ(targets["nofile"].as_string(), "unconfigured");
  auto& reasons = body["reasons"].as_object();
  EXPECT_TRUE(contains(std::string(reasons["nokey"].as_string()), "no API key")) << r.body;
  EXPECT_TRUE(contains(std::string(reasons["nofile"].as_string()), "does not exist")) << r.body;
  EXPECT_FALSE(reasons.contains("fake"));
  // The start-up log names the cloud target that cannot work.
  EXPECT_TRUE(contains(sy.log(), "cloud target 'nokey' (openai) cannot work: no API key")) << sy.log();
}

TEST(NewcomerReadiness, NotReadyWhenOnlyAMissingModelIsConfigured) {
  Switchyard sy("log: {access: off}\nmodels:\n  - {name: nofile, provider: local, path: /nonexistent/none.gguf}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = http_request(sy.port(), "GET", "/readyz");
  EXPECT_EQ(r.status, 503) << r.body;
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body["targets"].as_object()["nofile"].as_string(), "unconfigured");
}

// ---------------------------------------------------------------- every candidate failed

TEST(NewcomerFailures, TheErrorNamesEachTargetAndWhyWithoutAddresses) {
  FakeUpstream busy([](const ReceivedRequest&, FakeConnection& c) {
    c.send(503, R"({"error":{"message":"overloaded at 10.1.2.3:8443","type":"server_error"}})");
  });
  FakeUpstream never_called([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("hi")); });
  auto down = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  Switchyard sy("log: {access: off}\n"
                "models:\n"
                "  - {name: busy, provider: openai_compat, retries: 0, base_url: \"" + busy.base_url() + "\"}\n"
                "  - {name: down, provider: openai_compat, retries: 0, base_url: \"" + down + "\"}\n"
                "  - {name: nokey, provider: openai, base_url: \"" + never_called.base_url() + "\"}\n"
                "routes:\n"
                "  - {name: auto, cloud: [busy, nokey, down]}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto started = std::chrono::steady_clock::now();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "hello"));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(r.status, 500) << r.body;
  auto message = std::string(error_of(r)["message"].as_string());
  EXPECT_TRUE(contains(message, "busy (503 from upstream)")) << message;
  EXPECT_TRUE(contains(message, "down (connection refused)")) << message;
  EXPECT_TRUE(contains(message, "nokey (unconfigured: no API key)")) << message;
  EXPECT_FALSE(contains(message, "127.0.0.1")) << message;
  EXPECT_FALSE(contains(message, "10.1.2.3")) << message;
  // The target without credentials is skipped, not called and retried.
  EXPECT_EQ(never_called.requests().size(), 0u);
  EXPECT_LT(took, 2s);
  // The operator's log has each cloud failure.
  EXPECT_TRUE(eventually([&] { return contains(sy.log(), "target 'busy' failed") && contains(sy.log(), "target 'down' failed"); },
                         2s))
      << sy.log();
}

// ---------------------------------------------------------------- privacy and capabilities

TEST(NewcomerPrivacy, ASensitiveRequestWithToolsIsRefusedByPolicyNotByTheLocalEngine) {
  FakeUpstream cloud([](const ReceivedRequest& req, FakeConnection& c) { echo_cloud(req, c, 0); });
  Switchyard sy("log: {access: off}\n"
                "models:\n"
                "  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", context: 256, threads: 1}\n"
                "  - {name: cloud, provider: openai_compat, base_url: \"" + cloud.base_url() + "\"}\n"
                "routes:\n"
                "  - {name: auto, local: [tiny], cloud: [cloud]}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto body = json::parse(chat_body("auto", "Email alice.smith@example.com the minutes")).as_object();
  body["tools"] = json::array{json::object{
      {"type", "function"},
      {"function", json::object{{"name", "send_mail"}, {"parameters", json::object{{"type", "object"}}}}}}};
  auto r = post_json(sy.port(), "/v1/chat/completions", json::serialize(body));
  EXPECT_EQ(r.status, 403) << r.body;
  auto e = error_of(r);
  EXPECT_EQ(e["type"].as_string(), "privacy_policy") << r.body;
  auto message = std::string(e["message"].as_string());
  EXPECT_TRUE(contains(message, "must stay in-house") && contains(message, "uses tools")) << message;
  EXPECT_FALSE(contains(message, "do not call tools")) << message;
  EXPECT_EQ(cloud.requests().size(), 0u) << "a sensitive request reached the cloud";
}

// ---------------------------------------------------------------- ignore_eos

TEST(NewcomerIgnoreEos, ALocalModelGeneratesPastEosToMaxTokens) {
  FakeUpstream remote([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("hi")); });
  Switchyard sy("log: {access: off}\n"
                "models:\n"
                "  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", context: 256, threads: 1}\n"
                "  - {name: remote, provider: openai_compat, base_url: \"" + remote.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  // End-of-sequence (id 2 in the tiny model's SentencePiece vocabulary) made all but certain.
  auto ask = [&](const std::string& model, bool ignore_eos) {
    auto body = json::parse(chat_body(model, "hello", false, 6)).as_object();
    body["logit_bias"] = json::object{{"2", 100}};
    if (ignore_eos) body["ignore_eos"] = true;
    return post_json(sy.port(), "/v1/chat/completions", json::serialize(body));
  };
  auto stops = ask("tiny", false);
  ASSERT_EQ(stops.status, 200) << stops.body;
  auto plain = json::parse(stops.body).as_object();
  ASSERT_EQ(plain["choices"].as_array()[0].as_object()["finish_reason"].as_string(), "stop") << stops.body;
  auto runs_on = ask("tiny", true);
  ASSERT_EQ(runs_on.status, 200) << runs_on.body;
  auto ignored = json::parse(runs_on.body).as_object();
  EXPECT_EQ(ignored["choices"].as_array()[0].as_object()["finish_reason"].as_string(), "length") << runs_on.body;
  EXPECT_EQ(ignored["usage"].as_object()["completion_tokens"].as_int64(), 6) << runs_on.body;
  // Not a boolean: a 400 naming the field.
  auto bad = json::parse(chat_body("tiny", "hello")).as_object();
  bad["ignore_eos"] = "yes";
  auto refused = post_json(sy.port(), "/v1/chat/completions", json::serialize(bad));
  EXPECT_EQ(refused.status, 400) << refused.body;
  // A remote OpenAI-compatible target gets it as it came (an extension of llama.cpp's and vLLM's servers).
  ASSERT_EQ(ask("remote", true).status, 200);
  ASSERT_EQ(remote.requests().size(), 1u);
  auto sent = json::parse(remote.requests()[0].body).as_object();
  ASSERT_TRUE(sent.contains("ignore_eos")) << remote.requests()[0].body;
  EXPECT_EQ(sent["ignore_eos"], json::value(true));
}

}  // namespace
}  // namespace sy::testing
