// POST /v1/feedback against the real binary: a key rates its own answers (by any id the answer
// carried), never another key's; a second rating replaces the first; the comment is stored
// redacted beside the audit record; the version's metrics count it; errors in the client's dialect.
#include <gtest/gtest.h>

#include <cstdio>

#include <boost/json.hpp>

#include "harness.h"
#include "store/store.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

const std::map<std::string, std::string> kAlice = {{"Authorization", "Bearer ka"}};
const std::map<std::string, std::string> kBob = {{"Authorization", "Bearer kb"}};

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = "/tmp/sy-feedback-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::remove(db_.c_str());
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db_ + suffix).c_str());
  }
  std::string config(const std::string& audit = "audit: {durable: false}\n") const {
    return "log: {access: off}\nstore: \"sqlite:" + db_ + "\"\n" + audit +
           "keys:\n  - {name: alice, key: ka}\n  - {name: bob, key: kb}\n"
           "models:\n  - {name: cloud, provider: openai_compat, retries: 0, base_url: \"" + up_.base_url() + "\"}\n";
  }
  HttpResult rate(const Switchyard& sy, const std::string& body, const std::map<std::string, std::string>& who) {
    return post_json(sy.port(), "/v1/feedback", body, who);
  }

  std::string db_;
  FakeUpstream up_{[](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("An answer.")); }};
};

TEST_F(FeedbackTest, AKeyRatesItsOwnAnswersOnly) {
  {
    Switchyard sy(config());
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto answer = post_json(sy.port(), "/v1/chat/completions", chat_body("cloud", "Hello"), kAlice);
    ASSERT_EQ(answer.status, 200) << answer.body;
    auto request_id = answer.header("x-switchyard-request-id");
    // A Responses answer's id is made from its request id: "resp_" for "req_".
    auto answer_id = "resp_" + request_id.substr(4);

    // Right after the answer (the audit is not durable here: its record may still be on its way).
    auto first = rate(sy, R"({"request_id":")" + request_id + R"(","score":1,"comment":"Great, call me on 0912-345-678"})", kAlice);
    ASSERT_EQ(first.status, 200) << first.body;
    auto body = json::parse(first.body).as_object();
    EXPECT_EQ(body.at("score").as_double(), 1.0);
    EXPECT_EQ(body.at("target").as_string(), "cloud");
    EXPECT_FALSE(body.at("replaced").as_bool());

    // Bob may not rate Alice's answer, nor learn that it exists.
    auto bobs = rate(sy, R"({"request_id":")" + request_id + R"(","score":-1})", kBob);
    EXPECT_EQ(bobs.status, 404) << bobs.body;
    auto unknown = rate(sy, R"({"request_id":"req_00000000000000000000000000000000","score":-1})", kAlice);
    EXPECT_EQ(unknown.status, 404) << unknown.body;

    // The Responses form of the id names the same request; a 1..5 rating replaces the score (2 -> -0.5).
    auto second = rate(sy, R"({"request_id":")" + answer_id + R"(","rating":2})", kAlice);
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_EQ(json::parse(second.body).at("score").as_double(), -0.5);
    EXPECT_TRUE(json::parse(second.body).at("replaced").as_bool());

    auto metrics = http_request(sy.port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("switchyard_feedback_total{model=\"cloud\"} 1\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("switchyard_feedback_score_sum{model=\"cloud\"} -0.500000\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("switchyard_version_feedback_total{model=\"cloud\",version=\"v1\"} 1\n"), std::string::npos) << metrics;
    sy.terminate();
    ASSERT_EQ(sy.wait_exit(10s), 0);
  }
  auto store = store::Store::open("sqlite:" + db_);
  ASSERT_TRUE(store) << store.error().message;
  auto rows = (*store)->db().query("SELECT request_id, key_name, target, version, score, comment FROM feedback");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  const auto& r = rows->front();
  EXPECT_EQ(r.text(1), "alice");
  EXPECT_EQ(r.text(2), "cloud");
  EXPECT_EQ(r.text(3), "v1");
  EXPECT_EQ(r.real(4), -0.5);
  EXPECT_EQ(r.text(5), "") << "the second rating brought no comment";
}

TEST_F(FeedbackTest, ACommentIsKeptRedactedAndBadRatingsAreRefused) {
  {
    Switchyard sy(config());
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto answer = post_json(sy.port(), "/v1/chat/completions", chat_body("cloud", "Hello"), kAlice);
    auto id = answer.header("x-switchyard-request-id");
    for (const char* bad : {R"("score":2)", R"("rating":6)", R"("score":1,"rating":5)", R"("comment":"no score")", R"("score":"high")"}) {
      auto r = rate(sy, R"({"request_id":")" + id + "\"," + bad + "}", kAlice);
      EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
      EXPECT_NE(r.body.find("\"invalid_request_error\""), std::string::npos) << r.body;
    }
    EXPECT_EQ(rate(sy, R"({"score":1})", kAlice).status, 400);
    EXPECT_EQ(rate(sy, R"({"request_id":")" + id + R"(","score":1})", {}).status, 401);
    // An Anthropic client gets Anthropic's error shape.
    auto anthropic = post_json(sy.port(), "/v1/feedback", R"({"request_id":"req_x","score":1})",
                               {{"x-api-key", "ka"}, {"anthropic-version", "2023-06-01"}});
    EXPECT_EQ(anthropic.status, 404);
    EXPECT_NE(anthropic.body.find("\"type\":\"error\""), std::string::npos) << anthropic.body;
    auto ok = rate(sy, R"({"request_id":")" + id + R"(","score":0.5,"comment":"Mail me at jane.doe@example.com please"})", kAlice);
    ASSERT_EQ(ok.status, 200) << ok.body;
    sy.terminate();
    ASSERT_EQ(sy.wait_exit(10s), 0);
  }
  auto store = store::Store::open("sqlite:" + db_);
  ASSERT_TRUE(store);
  auto kept = (*store)->feedback("req_made_up");
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->has_value());
  auto rows = (*store)->db().query("SELECT comment FROM feedback");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().text(0).find("jane.doe"), std::string::npos) << rows->front().text(0);
  EXPECT_NE(rows->front().text(0).find("[EMAIL_1]"), std::string::npos) << rows->front().text(0);
}

TEST_F(FeedbackTest, WithoutAnAuditTrailThereIsNothingToRate) {
  Switchyard sy(config("audit: {enabled: false}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = rate(sy, R"({"request_id":"req_x","score":1})", kAlice);
  EXPECT_EQ(r.status, 503) << r.body;
}

}  // namespace
}  // namespace sy::testing
