#include "config/refresh_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace sy::config {
namespace {

class RefreshConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sy-refresh-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "conf");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  core::Result<RefreshConfig> load(const std::string& yaml) {
    auto file = (dir_ / "conf" / "refresh.yaml").string();
    std::ofstream(file) << yaml;
    return load_refresh_file(file);
  }
  std::filesystem::path dir_;
};

TEST_F(RefreshConfigTest, ReadsEverySectionAndResolvesPathsFromTheFile) {
  auto r = load(
      "refresh:\n"
      "  model: faq-local\n"
      "  data: ../data/faq.jsonl\n"
      "  train: {epochs: 6, lr: 0.0005, warmup: 1, out_dir: models}\n"
      "  eval: {dataset: /abs/eval.jsonl, min_score: 0.9, max_regression: 0.01, concurrency: 2}\n"
      "  canary: {percent: 25, min_requests: 15, min_duration: 5s, max_duration: 2m, interval: 1s}\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->model, "faq-local");
  EXPECT_EQ(r->data, (dir_ / "conf" / "../data/faq.jsonl").lexically_normal().string());
  EXPECT_EQ(r->out_dir, (dir_ / "conf" / "models").string());
  EXPECT_EQ(r->eval_dataset, "/abs/eval.jsonl");
  EXPECT_EQ(r->train_epochs, 6);
  EXPECT_DOUBLE_EQ(r->train_lr, 0.0005);
  EXPECT_DOUBLE_EQ(r->eval_min_score, 0.9);
  EXPECT_DOUBLE_EQ(r->canary_percent, 25);
  EXPECT_EQ(r->canary_min_requests, 15);
  EXPECT_EQ(r->canary_max_duration, "2m");
  EXPECT_EQ(r->state, (dir_ / "conf" / "refresh.yaml").string() + ".state.json");
}

TEST_F(RefreshConfigTest, ErrorsNameTheKey) {
  auto missing = load("refresh: {data: d.jsonl}\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("model"), std::string::npos) << missing.error().message;
  auto unknown = load("refresh: {model: m, data: d.jsonl, canary: {precent: 10}}\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("precent"), std::string::npos) << unknown.error().message;
  auto range = load("refresh: {model: m, data: d.jsonl, canary: {percent: 100}}\n");
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message.find("percent"), std::string::npos) << range.error().message;
  EXPECT_FALSE(load("not_refresh: {}\n"));
}

}  // namespace
}  // namespace sy::config
