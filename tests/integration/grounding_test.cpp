// Grounded answers (`rag` on a route or a model): the best passages of the index reach the model
// in a system message, are named in /v1/route/explain and the audit record, never include a
// passage with personal data when a cloud target may answer, and nothing is added when nothing in
// the index matches.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "harness.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

class GroundingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = "/tmp/sy-ground-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ofstream(base_ + ".jsonl")
        << R"({"id":"leave","question":"How many days of annual leave do I get?","answer":"Full-time staff get 15 days of annual leave a year."})" "\n"
        << R"({"id":"vpn","question":"How do I connect to the VPN?","answer":"Install Northwind Connect and sign in with MFA."})" "\n"
        << R"({"id":"payroll-contact","question":"Who do I ask about payroll?","answer":"Write to Mary Chen at mary.chen@northwind.example about payroll."})" "\n";
    std::remove((base_ + ".db").c_str());
  }
  void TearDown() override {
    for (const char* suffix : {".jsonl", ".db", ".db-wal", ".db-shm"}) std::remove((base_ + suffix).c_str());
  }
  std::string config(const std::string& routes, const std::string& model_extra = "") const {
    return "log: {access: off}\nstore: \"sqlite:" + base_ + ".db\"\n"
           "models:\n  - {name: cloud, provider: openai_compat, retries: 0, base_url: \"" + up_.base_url() + "\"" + model_extra + "}\n" +
           routes;
  }
  // The system message the upstream received last ("" when none).
  std::string system_sent() const {
    auto reqs = up_.requests();
    if (reqs.empty()) return "<no request>";
    auto body = json::parse(reqs.back().body).as_object();
    auto& first = body.at("messages").as_array().at(0).as_object();
    return first.at("role") == "system" ? std::string(first.at("content").as_string()) : std::string();
  }

  std::string base_;
  FakeUpstream up_{[](const ReceivedRequest& r, FakeConnection& c) { echo_cloud(r, c, 1 << 20); }};
};

TEST_F(GroundingTest, TheBestPassagesReachTheModelAndTheRecord) {
  auto rag = "    rag: {index: \"" + base_ + ".jsonl\", top_k: 2, min_score: 0.2}\n";
  {
    Switchyard sy(config("routes:\n  - name: helpdesk\n    cloud: [cloud]\n" + rag));
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("helpdesk", "how many annual leave days do I have?"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto system = system_sent();
    EXPECT_NE(system.find("[1] Q: How many days of annual leave do I get?\nA: Full-time staff get 15 days"), std::string::npos) << system;
    EXPECT_EQ(system.find("[2]"), std::string::npos) << "only passages past min_score: " << system;

    // The client's own system message stays first; the passages follow it.
    auto with_system = R"({"model":"helpdesk","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"VPN connect how?"}]})";
    ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", with_system).status, 200);
    EXPECT_TRUE(system_sent().starts_with("Be brief.\n\nAnswer from the passages below")) << system_sent();
    EXPECT_NE(system_sent().find("Northwind Connect"), std::string::npos);

    // Nothing in the index matches: nothing is added.
    ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("helpdesk", "Write a haiku about autumn")).status, 200);
    EXPECT_EQ(system_sent(), "");

    auto explain = post_json(sy.port(), "/v1/route/explain", chat_body("helpdesk", "how many annual leave days do I have?"));
    ASSERT_EQ(explain.status, 200) << explain.body;
    auto passages = json::parse(explain.body).at("passages").as_array();
    ASSERT_EQ(passages.size(), 1u) << explain.body;
    EXPECT_TRUE(passages[0].as_string().starts_with("leave:")) << explain.body;
    sy.terminate();
    ASSERT_EQ(sy.wait_exit(10s), 0);
  }
  auto exported = run_switchyard({"audit", "export", "--store", "sqlite:" + base_ + ".db"});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::istringstream lines(exported.output);
  std::string first;
  std::getline(lines, first);
  auto record = json::parse(first).as_object();
  ASSERT_TRUE(record.contains("passages")) << first;
  EXPECT_TRUE(record.at("passages").as_array().at(0).as_string().starts_with("leave:")) << first;
}

TEST_F(GroundingTest, APassageWithPersonalDataNeverGoesToACloudTarget) {
  Switchyard sy(config("routes:\n  - name: helpdesk\n    cloud: [cloud]\n    rag: {index: \"" + base_ + ".jsonl\", min_score: 0.1}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("helpdesk", "Who do I ask about payroll?"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(system_sent().find("mary.chen"), std::string::npos) << system_sent();
  auto explain = post_json(sy.port(), "/v1/route/explain", chat_body("helpdesk", "Who do I ask about payroll?"));
  EXPECT_NE(explain.body.find("passage payroll-contact withheld"), std::string::npos) << explain.body;
}

TEST_F(GroundingTest, AModelsOwnRagAppliesWhenItIsAskedForByName) {
  Switchyard sy(config("", ", rag: {index: \"" + base_ + ".jsonl\"}"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("cloud", "VPN connection steps?"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(system_sent().find("Northwind Connect"), std::string::npos) << system_sent();
}

// The matcher splits only Latin words and Han characters, so a Cyrillic passage is invisible to
// BM25; an embedding model finds it (a question identical to it has cosine 1, whatever the
// weights); without it nothing is found.
TEST_F(GroundingTest, AnEmbeddingModelFindsWhatWordsCannot) {
  const std::string russian = "Отпуск составляет пятнадцать дней в году.";
  std::ofstream(base_ + ".jsonl", std::ios::app) << R"({"id":"ru-leave","text":")" << russian << R"("})" "\n";
  auto with = [&](const std::string& embedding) {
    return config("routes:\n  - name: helpdesk\n    cloud: [cloud]\n    rag: {index: \"" + base_ + ".jsonl\"" + embedding + "}\n",
                  "}\n  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", context: 256, threads: 1");
  };
  {
    Switchyard sy(with(", embedding_model: tiny, min_similarity: 0.999"));
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("helpdesk", russian));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(system_sent().find(russian), std::string::npos) << system_sent();
    auto explain = post_json(sy.port(), "/v1/route/explain", chat_body("helpdesk", russian));
    EXPECT_NE(explain.body.find("\"ru-leave:1.00\""), std::string::npos) << explain.body;
    // A question in words BM25 knows still finds its passage, through the words.
    ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("helpdesk", "VPN connect how?")).status, 200);
    EXPECT_NE(system_sent().find("Northwind Connect"), std::string::npos) << system_sent();
  }
  {
    Switchyard sy(with(""));  // words alone
    ASSERT_TRUE(sy.ready()) << sy.log();
    ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("helpdesk", russian)).status, 200);
    EXPECT_EQ(system_sent(), "");
  }
}

TEST_F(GroundingTest, AnEmbeddingModelMustBeLocal) {
  Switchyard sy(config("routes:\n  - name: helpdesk\n    cloud: [cloud]\n    rag: {index: \"" + base_ + ".jsonl\", embedding_model: cloud}\n"));
  EXPECT_FALSE(sy.ready());
  EXPECT_NE(sy.log().find("must name a local model"), std::string::npos) << sy.log();
}

TEST_F(GroundingTest, AnIndexThatCannotBeReadStopsTheStart) {
  auto missing = base_ + "-missing.jsonl";
  Switchyard sy(config("routes:\n  - name: helpdesk\n    cloud: [cloud]\n    rag: {index: \"" + missing + "\"}\n"));
  EXPECT_FALSE(sy.ready());
  EXPECT_NE(sy.log().find("grounding index"), std::string::npos) << sy.log();
}

}  // namespace
}  // namespace sy::testing
