#include "router/faq_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sy::router {
namespace {

std::shared_ptr<const FaqMatcher> sample() {
  return FaqMatcher::from_entries({
      {"leave", "How many days of annual leave do I get?", "Full-time staff get 15 days of annual leave per year."},
      {"vpn", "How do I connect to the VPN from home?", "Install the client and sign in to vpn.northwind.example with MFA."},
      {"zh-leave", "請問特休有幾天？", "到職滿一年的員工每年有十五天特休。"},
      {"zh-expense", "出差費用要怎麼報帳？", "請在出差結束後十天內於報帳系統上傳收據。"},
  });
}

TEST(FaqMatcher, TheExactQuestionScoresOne) {
  auto faq = sample();
  auto m = faq->best("How many days of annual leave do I get?");
  ASSERT_NE(m.entry, nullptr);
  EXPECT_EQ(m.entry->id, "leave");
  EXPECT_DOUBLE_EQ(m.score, 1.0);
}

TEST(FaqMatcher, AParaphraseMatchesTheRightEntryWithALowerScore) {
  auto faq = sample();
  auto m = faq->best("Can I use the VPN at home?");
  ASSERT_NE(m.entry, nullptr);
  EXPECT_EQ(m.entry->id, "vpn");
  EXPECT_GT(m.score, 0.4);
  EXPECT_LT(m.score, 1.0);
}

TEST(FaqMatcher, ChineseIsMatchedByCharacterBigrams) {
  EXPECT_THAT(FaqMatcher::terms("特休幾天"), ::testing::ElementsAre("特休", "休幾", "幾天"));
  auto faq = sample();  // the match points into it
  auto m = faq->best("我想問特休有幾天");
  ASSERT_NE(m.entry, nullptr);
  EXPECT_EQ(m.entry->id, "zh-leave");
  EXPECT_GT(m.score, 0.5);
}

TEST(FaqMatcher, AnUnrelatedQuestionScoresLowOrNothing) {
  auto faq = sample();
  auto m = faq->best("Write a sonnet about the sea");
  EXPECT_LT(m.score, 0.2);
  EXPECT_EQ(faq->best("").entry, nullptr);
}

TEST(FaqMatcher, MixedLatinAndHanTextSplitsAtTheScriptBoundary) {
  EXPECT_THAT(FaqMatcher::terms("VPN連線"), ::testing::ElementsAre("vpn", "連線"));
}

TEST(FaqMatcher, LoadReportsTheBadLine) {
  auto missing = FaqMatcher::load("/nonexistent/faq.jsonl");
  EXPECT_FALSE(missing);
}

}  // namespace
}  // namespace sy::router
