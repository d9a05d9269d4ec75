// privacy.classifier: a request the rules found nothing in, whose line-model score is in the
// configured range, is decided by an in-house model's constrained yes/no answer. Tested with the
// test suite's tiny local model, whose answer means nothing (its weights are random): what is
// tested is the mechanism. The answer is asked for and parsed (it is yes or no, never unreadable);
// it decides where the request goes; a timeout keeps the request in-house; a request the rules
// flagged, or one whose score is outside the range, is not asked about; a dry run asks nobody.
// The fake cloud records every body: the question itself never reaches it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

#include "harness.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

std::string config(const FakeUpstream& cloud, const std::string& when, const std::string& timeout = "60s") {
  return "log: {access: off}\n"
         "models:\n"
         "  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", slots: 1, queue: 4, context: 1024, threads: 1}\n"
         "  - {name: cloud-fast, provider: openai_compat, base_url: \"" + cloud.base_url() + "\", timeout: 10s}\n"
         "routes:\n"
         "  - name: auto\n"
         "    local: [tiny]\n"
         "    cloud: [cloud-fast]\n"
         "privacy:\n"
         "  classifier: {model: tiny, when: \"" + when + "\", timeout: " + timeout + "}\n";
}

// switchyard_privacy_model_verdicts_total by judge, from /metrics.
std::map<std::string, int> verdicts(uint16_t port) {
  std::map<std::string, int> out;
  auto body = http_request(port, "GET", "/metrics").body;
  std::regex sample(R"re(switchyard_privacy_model_verdicts_total\{judge="([^"]+)"\} (\d+))re");
  for (std::sregex_iterator it(body.begin(), body.end(), sample), end; it != end; ++it) out[(*it)[1]] = std::stoi((*it)[2]);
  return out;
}

// Long enough that the default policy sends it to the cloud when it is not sensitive.
const std::string kPlain = "Please summarise the attached release notes for the team. " + std::string(400, 'z');

class SecondOpinion : public ::testing::Test {
 protected:
  FakeUpstream cloud{[](const ReceivedRequest& req, FakeConnection& c) { echo_cloud(req, c, 0); }};
  void TearDown() override {
    for (const auto& r : cloud.requests()) EXPECT_EQ(r.body.find("personal data"), std::string::npos) << "the cloud was asked the question";
  }
};

TEST_F(SecondOpinion, ABorderlineRequestGoesWhereTheInHouseAnswerSays) {
  Switchyard sy(config(cloud, "score in [0, 1]"));  // every request the rules pass is borderline
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", kPlain));
  ASSERT_EQ(r.status, 200) << r.body;
  auto asked = verdicts(sy.port());
  ASSERT_EQ(asked.size(), 1u) << "one answer, and a readable one";
  auto [answer, count] = *asked.begin();
  EXPECT_EQ(count, 1);
  ASSERT_TRUE(answer == "yes" || answer == "no") << answer << "\n" << sy.log();
  if (answer == "yes") {
    EXPECT_EQ(r.header("x-switchyard-privacy"), "local_only");
    EXPECT_EQ(r.header("x-switchyard-route"), "tiny");
    EXPECT_TRUE(cloud.requests().empty());
  } else {
    EXPECT_EQ(r.header("x-switchyard-privacy"), "any");
    EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
    EXPECT_EQ(cloud.requests().size(), 1u);
  }
  // The rules found an e-mail address: nobody is asked, and it stays in-house.
  auto flagged = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "Write to jane.doe@example.com " + kPlain));
  EXPECT_EQ(flagged.header("x-switchyard-privacy"), "local_only");
  EXPECT_EQ(verdicts(sy.port()), asked);
}

TEST_F(SecondOpinion, ATimeoutKeepsTheRequestInHouse) {
  Switchyard sy(config(cloud, "score in [0, 1]", "1ms"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", kPlain));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-privacy"), "local_only");
  EXPECT_EQ(r.header("x-switchyard-route"), "tiny");
  EXPECT_EQ(verdicts(sy.port()), (std::map<std::string, int>{{"timed out", 1}}));
  EXPECT_TRUE(cloud.requests().empty());
}

TEST_F(SecondOpinion, AScoreOutsideTheRangeIsNotAskedAbout) {
  Switchyard sy(config(cloud, "score in [0.999, 1]"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", kPlain));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-switchyard-route"), "cloud-fast");
  EXPECT_TRUE(verdicts(sy.port()).empty());
}

TEST_F(SecondOpinion, ExplainAsksNobodyAndCountsTheRequestAsSensitive) {
  Switchyard sy(config(cloud, "score in [0, 1]"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/route/explain", chat_body("auto", kPlain));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = json::parse(r.body).as_object();
  EXPECT_EQ(o["privacy"].as_string(), "local_only");
  auto reasons = json::serialize(o["reasons"]);
  EXPECT_NE(reasons.find("second opinion: not asked (dry run)"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("line model 0."), std::string::npos) << reasons;
  EXPECT_TRUE(verdicts(sy.port()).empty());
  EXPECT_TRUE(cloud.requests().empty());
}

}  // namespace
}  // namespace sy::testing
