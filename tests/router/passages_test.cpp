// Grounding passages: a JSONL index (question/answer pairs or text) and a folder of Markdown/text
// files read into entries, and the matcher's top-k over them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "router/passages.h"

namespace sy::router {
namespace {

namespace fs = std::filesystem;

class PassagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sy-passages-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(PassagesTest, AFolderOfMarkdownBecomesParagraphsTitledByTheirHeading) {
  std::ofstream(dir_ / "b-travel.md") << "# Travel\n\nBook flights through the Travel Desk.\nEconomy class only.\n\n"
                                         "## Hotels\nHotels up to 180 dollars a night are approved.\n";
  std::ofstream(dir_ / "a-notes.txt") << "The cafeteria opens at 8. It closes at 15.\n";
  std::ofstream(dir_ / "ignored.json") << "{}";
  auto passages = load_passages(dir_.string());
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  ASSERT_EQ(passages->size(), 3u);
  EXPECT_EQ((*passages)[0].id, "a-notes.txt#1");
  EXPECT_EQ((*passages)[0].question, "The cafeteria opens at 8");
  EXPECT_EQ(passage_text((*passages)[0]), "The cafeteria opens at 8. It closes at 15.");
  EXPECT_EQ((*passages)[1].id, "b-travel.md#1");
  EXPECT_EQ((*passages)[1].question, "Travel");
  EXPECT_EQ((*passages)[1].answer, "Book flights through the Travel Desk.\nEconomy class only.");
  EXPECT_EQ((*passages)[2].question, "Hotels");

  auto m = FaqMatcher::from_entries(std::move(*passages));
  auto top = m->top("how much can a hotel cost per night?", 2, 0.1);
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].entry->id, "b-travel.md#2");
  EXPECT_TRUE(m->top("quantum chromodynamics", 3, 0.0).empty());
  EXPECT_TRUE(m->top("hotel", 0, 0.0).empty());
}

TEST_F(PassagesTest, JsonlTakesPairsOrTextAndNamesABadLine) {
  auto file = (dir_ / "index.jsonl").string();
  std::ofstream(file) << R"({"id":"a","question":"Q one?","answer":"Answer one."})" "\n\n"
                      << R"({"text":"Plain passage. With two sentences."})" "\n";
  auto passages = load_passages(file);
  ASSERT_TRUE(passages.ok()) << passages.error().message;
  ASSERT_EQ(passages->size(), 2u);
  EXPECT_EQ(passage_text((*passages)[0]), "Q: Q one?\nA: Answer one.");
  EXPECT_EQ((*passages)[1].id, "3");
  EXPECT_EQ((*passages)[1].question, "Plain passage");
  std::ofstream(file, std::ios::app) << R"({"answer_only":"x"})" "\n";
  auto bad = load_passages(file);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("index.jsonl:4"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(load_passages((dir_ / "missing.jsonl").string()).ok());
}

}  // namespace
}  // namespace sy::router
