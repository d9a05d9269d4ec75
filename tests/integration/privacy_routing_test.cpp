// Sensitive data never reaches a cloud provider, on any path: the router's own rule, a direct call
// to a cloud model, fallback after a local error, local overload, a cloud failure falling back,
// client retries, streaming, and redact mode (where the cloud sees placeholders only and the
// client gets its values back). The fake cloud records every body it receives; at the end, none
// may contain a sensitive value.
#include <gtest/gtest.h>


#include <boost/json.hpp>
#include <set>

#include "support/tiny_model.h"
#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

const std::vector<std::string> kSecrets = {"jane.doe@example.com", "A123456789", "4111 1111 1111 1111", "0912-345-678"};

const std::string& tiny_model() { return tiny_model_path(); }

// Answers streamed in 3-byte pieces, so that placeholders arrive split.
void cloud_script(const ReceivedRequest& req, FakeConnection& c) { echo_cloud(req, c, 3); }


std::string config(const FakeUpstream& cloud, const std::string& on_sensitive, const std::string& rules = "") {
  return "log: {access: off}\n"
         "models:\n"
         "  - {name: tiny, provider: local, path: \"" + tiny_model() + "\", slots: 1, queue: 1, context: 512, threads: 1}\n"
         "  - {name: cloud-fast, provider: openai_compat, base_url: \"" + cloud.base_url() + "\", timeout: 10s}\n"
         "routes:\n"
         "  - name: auto\n"
         "    local: [tiny]\n"
         "    cloud: [cloud-fast]\n" + rules +
         "privacy: {on_sensitive: " + on_sensitive + "}\n";
}

class PrivacyRouting : public ::testing::Test {
 protected:
  FakeUpstream cloud{cloud_script};

  void TearDown() override {
    for (const auto& r : cloud.requests()) {
      for (const auto& secret : kSecrets) {
        EXPECT_EQ(r.body.find(secret), std::string::npos) << "the cloud received '" << secret << "' in: " << r.body;
      }
    }
  }
};

TEST_F(PrivacyRouting, TheDefaultRuleKeepsSensitiveRequestsLocal) {
  Switchyard sy(config(cloud, "local_only"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (const auto& secret : kSecrets) {
    auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "Please look up " + secret + " " + std::string(400, 'z')));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-switchyard-route"), "tiny");
    EXPECT_EQ(r.header("x-switchyard-privacy"), "local_only");
  }
  // The same long request without a secret goes to the cloud: the route does use it.
  auto open = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "Please summarise " + std::string(400, 'z')));
  EXPECT_EQ(open.header("x-switchyard-route"), "cloud-fast");
  EXPECT_EQ(cloud.requests().size(), 1u);
}

TEST_F(PrivacyRouting, ADirectCallToACloudModelIsRefused) {
  Switchyard sy(config(cloud, "local_only"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("cloud-fast", "Card 4111 1111 1111 1111 expired?"));
  EXPECT_EQ(r.status, 403);
  auto e = json::parse(r.body).as_object()["error"].as_object();
  EXPECT_EQ(e["type"].as_string(), "privacy_policy");
  EXPECT_EQ(r.body.find("4111"), std::string::npos);
  EXPECT_EQ(r.header("x-switchyard-privacy"), "local_only");
  EXPECT_TRUE(cloud.requests().empty());
}

TEST_F(PrivacyRouting, ALocalErrorDoesNotFallBackToTheCloudForSensitiveData) {
  Switchyard sy(config(cloud, "local_only"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  std::string too_long;
  for (int i = 0; i < 700; ++i) too_long += "word ";
  // Too long for the local context: without a secret it falls back to the cloud ...
  auto open = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "hi " + too_long));
  EXPECT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.header("x-switchyard-route"), "cloud-fast");
  // ... with one, it does not: the policy refuses it and says why (not the local engine's context
  // error, which read as if the request were at fault).
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "jane.doe@example.com " + too_long));
  EXPECT_EQ(r.status, 403) << r.body;
  auto e = json::parse(r.body).as_object()["error"].as_object();
  EXPECT_EQ(e["type"].as_string(), "privacy_policy");
  EXPECT_NE(std::string(e["message"].as_string()).find("longer than any in-house model's context"), std::string::npos) << r.body;
  EXPECT_EQ(cloud.requests().size(), 1u);
}

TEST_F(PrivacyRouting, LocalOverloadSpillsOnlyWhatIsNotSensitive) {
  Switchyard sy(config(cloud, "local_only"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto busy = std::make_unique<LocalModelBusy>(sy.port(), "tiny");
  ASSERT_TRUE(busy->full());
  auto sensitive = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "call me at 0912-345-678"));
  auto spilled = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "what is a haiku?"));
  busy.reset();
  EXPECT_EQ(sensitive.status, 429) << sensitive.body;
  EXPECT_FALSE(sensitive.header("retry-after").empty());
  EXPECT_EQ(spilled.status, 200) << spilled.body;
  EXPECT_EQ(spilled.header("x-switchyard-route"), "cloud-fast");
}

TEST_F(PrivacyRouting, ACloudFailureFallsBackToLocalAndRetriesStayLocal) {
  Switchyard sy(config(cloud, "local_only", "    rules:\n      - {to: cloud}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "[fail-cloud] tell me a joke"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "tiny");
  // A client retrying a sensitive request gets the same local treatment every time.
  for (int i = 0; i < 3; ++i) {
    auto again = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "[fail-cloud] ID A123456789"));
    EXPECT_EQ(again.header("x-switchyard-route"), "tiny");
  }
  EXPECT_EQ(cloud.requests().size(), 3u);  // the first request, retried twice, then local
}

TEST_F(PrivacyRouting, StreamsOfSensitiveRequestsStayLocal) {
  Switchyard sy(config(cloud, "local_only", "    rules:\n      - {to: cloud}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "my email jane.doe@example.com", true, 8));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-switchyard-route"), "tiny");
  EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
  EXPECT_TRUE(cloud.requests().empty());
}

TEST_F(PrivacyRouting, RedactModeSendsPlaceholdersAndGivesTheValuesBack) {
  Switchyard sy(config(cloud, "redact", "    rules:\n      - {to: cloud}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  std::string text = "Write to jane.doe@example.com about card 4111 1111 1111 1111 and jane.doe@example.com again";
  auto whole = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", text));
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.header("x-switchyard-route"), "cloud-fast");
  EXPECT_EQ(whole.header("x-switchyard-privacy"), "redact");
  auto content = json::value_to<std::string>(json::parse(whole.body).as_object()["choices"].as_array()[0].as_object()["message"].as_object()["content"]);
  EXPECT_EQ(content, "You said: " + text);

  auto streamed = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", text, true));
  ASSERT_EQ(streamed.status, 200);
  EXPECT_EQ(streamed_text(streamed.body), "You said: " + text);

  ASSERT_EQ(cloud.requests().size(), 2u);
  auto sent = last_user_content(cloud.requests()[0].body);
  EXPECT_EQ(sent, "Write to [EMAIL_1] about card [CREDIT_CARD_1] and [EMAIL_1] again");
}

TEST_F(PrivacyRouting, ExplainShowsTheDecisionWithoutValues) {
  Switchyard sy(config(cloud, "local_only"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/route/explain", chat_body("auto", "身分證字號A123456789請幫我查"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["target"].as_string(), "tiny");
  EXPECT_EQ(o["privacy"].as_string(), "local_only");
  EXPECT_EQ(o["rule"].as_string(), "default:sensitive");
  ASSERT_EQ(o["candidates"].as_array().size(), 1u);
  auto& f = o["findings"].as_array().at(0).as_object();
  EXPECT_EQ(f["kind"].as_string(), "tw_national_id");
  EXPECT_EQ(f["start"].as_int64(), 5);
  EXPECT_EQ(f["end"].as_int64(), 15);
  EXPECT_EQ(r.body.find("A123456789"), std::string::npos);
  EXPECT_TRUE(cloud.requests().empty());
}


TEST_F(PrivacyRouting, ExplainSaysWhoAndWhatWithoutValues) {
  Switchyard sy(config(cloud, "local_only"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/route/explain",
                     chat_body("auto", "Remind Joanna Whitaker that her insulin prescription renews on Friday."));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["target"].as_string(), "tiny");
  EXPECT_EQ(o["privacy"].as_string(), "local_only");
  std::set<std::string> kinds;  // "insulin" and "prescription" are both health
  for (auto& f : o["findings"].as_array()) kinds.insert(json::value_to<std::string>(f.as_object()["kind"]));
  EXPECT_EQ(kinds, (std::set<std::string>{"person", "health"}));
  auto reasons = json::serialize(o["reasons"]);
  EXPECT_NE(reasons.find("person + health"), std::string::npos) << reasons;
  EXPECT_EQ(r.body.find("Joanna"), std::string::npos);
  EXPECT_TRUE(cloud.requests().empty());
}

}  // namespace
}  // namespace sy::testing
