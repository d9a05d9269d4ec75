// Eval gates over a real (SQLite) store: a version is let through only on a stored evaluation of
// the gate's dataset as it is now, above the score and under the latency, and not too far below
// production's.
#include "ops/eval_gate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ops/eval_results.h"
#include "ops/file_digest.h"

namespace sy::ops {
namespace {

class EvalGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sy-gate-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    dataset_ = (dir_ / "faq.jsonl").string();
    write_dataset("{\"prompt\":\"How many days?\",\"expected\":\"15 days\"}\n");
    auto opened = store::Store::open("sqlite:" + (dir_ / "s.db").string());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    for (const char* v : {"v1", "v2"}) {
      store::ModelVersion mv;
      mv.model = "faq";
      mv.version = v;
      mv.path = "/models/faq-" + std::string(v) + ".gguf";
      mv.eval = R"({"reviewed_by":"ops"})";
      ASSERT_TRUE(store_->add_version(mv));
    }
    ASSERT_TRUE(store_->set_alias("faq", "production", "v1", 100, "test"));
    gate_.dataset = dataset_;
    gate_.min_score = 0.85;
    gate_.max_regression = 0.02;
    gate_.max_p95_latency_ms = 800;
    gates_["faq"] = gate_;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void write_dataset(const std::string& text) { std::ofstream(dataset_) << text; }
  void record(const std::string& version, double score, double p95) {
    EvalRun run;
    run.dataset = dataset_;
    run.dataset_sha256 = *sha256_file(dataset_);
    run.items = 1;
    run.score = score;
    run.p95_latency_ms = p95;
    ASSERT_TRUE(record_eval_run(*store_, "faq", version, run));
  }

  std::filesystem::path dir_;
  std::string dataset_;
  std::unique_ptr<store::Store> store_;
  config::EvalGate gate_;
  std::map<std::string, config::EvalGate> gates_;
};

TEST_F(EvalGateTest, RefusesAVersionWithoutAnEvaluation) {
  auto moved = gate_traffic_move(*store_, gates_, "promote", "faq", "v2", "production", -1, false);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().status, 409);
  EXPECT_EQ(moved.error().code, "gate_failed");
  EXPECT_NE(moved.error().message.find("has no evaluation"), std::string::npos) << moved.error().message;
  EXPECT_NE(moved.error().message.find("switchyard eval --model faq@v2"), std::string::npos);
}

TEST_F(EvalGateTest, PassesOnAGoodEvaluationAndKeepsOtherEvalFields) {
  record("v1", 0.90, 500);
  record("v2", 0.91, 700);
  auto moved = gate_traffic_move(*store_, gates_, "promote", "faq", "v2", "production", -1, false);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_TRUE(moved->gated);
  EXPECT_TRUE(moved->passed);
  EXPECT_NE(moved->summary().find("score 0.910 >= min_score 0.850"), std::string::npos) << moved->summary();
  auto registry = store_->load_registry();
  ASSERT_TRUE(registry);
  const auto& v2 = registry->versions[1];
  EXPECT_NE(v2.eval.find("\"reviewed_by\":\"ops\""), std::string::npos) << v2.eval;
  ASSERT_EQ(eval_runs(v2.eval).size(), 1u);
}

TEST_F(EvalGateTest, EachLimitRefusesOnItsOwn) {
  record("v1", 0.95, 500);
  record("v2", 0.80, 500);  // under min_score
  auto low = check_gate(*store_, gate_, "faq", "v2");
  ASSERT_TRUE(low);
  EXPECT_FALSE(low->passed);
  record("v2", 0.92, 500);  // above min_score but 0.03 under production: regression
  auto regressed = check_gate(*store_, gate_, "faq", "v2");
  ASSERT_TRUE(regressed);
  EXPECT_FALSE(regressed->passed);
  ASSERT_EQ(regressed->failures.size(), 1u);
  EXPECT_NE(regressed->failures[0].find("trails by more than"), std::string::npos) << regressed->failures[0];
  record("v2", 0.94, 900);  // slow
  auto slow = check_gate(*store_, gate_, "faq", "v2");
  ASSERT_TRUE(slow);
  EXPECT_FALSE(slow->passed);
  EXPECT_NE(slow->failures[0].find("p95 latency 900 ms > max_p95_latency_ms 800"), std::string::npos);
  record("v2", 0.94, 700);
  auto ok = check_gate(*store_, gate_, "faq", "v2");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->passed);
}

TEST_F(EvalGateTest, AChangedDatasetNeedsANewEvaluation) {
  record("v2", 0.99, 100);
  write_dataset("{\"prompt\":\"How many days now?\",\"expected\":\"18 days\"}\n");
  auto verdict = check_gate(*store_, gate_, "faq", "v2");
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->passed);
  EXPECT_NE(verdict->failures[0].find("as it is now"), std::string::npos);
}

TEST_F(EvalGateTest, ForceGoesAheadAndSaysWhatItForcedPast) {
  auto forced = gate_traffic_move(*store_, gates_, "canary", "faq", "v2", "", 10, true);
  ASSERT_TRUE(forced);
  EXPECT_TRUE(forced->forced);
  EXPECT_FALSE(forced->passed);
  EXPECT_EQ(forced->summary().rfind("gate forced past: ", 0), 0u) << forced->summary();
}

TEST_F(EvalGateTest, MovesTheGateDoesNotCoverPassUngated) {
  // Ending a canary, moving another alias, or a model without a gate.
  for (auto moved : {gate_traffic_move(*store_, gates_, "canary", "faq", "v2", "", 0, false),
                     gate_traffic_move(*store_, gates_, "promote", "faq", "v2", "staging", -1, false),
                     gate_traffic_move(*store_, gates_, "promote", "other", "v2", "production", -1, false)}) {
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_FALSE(moved->gated);
  }
  // Promote without a version checks the canary's version.
  ASSERT_TRUE(store_->set_alias("faq", "canary", "v2", 10, "test"));
  auto canary = gate_traffic_move(*store_, gates_, "promote", "faq", "", "production", -1, false);
  ASSERT_FALSE(canary);
  EXPECT_NE(canary.error().message.find("version 'v2'"), std::string::npos) << canary.error().message;
}

}  // namespace
}  // namespace sy::ops
