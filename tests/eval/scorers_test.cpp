#include "eval/scorers.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sy::eval {
namespace {

Check check_of(CheckKind kind, std::string value = {}) {
  Check c;
  c.kind = kind;
  c.value = std::move(value);
  return c;
}

TEST(EvalScorers, RougeLCountsTheLongestCommonSubsequenceOfWords) {
  // reference 6 tokens, candidate 5, LCS "the cat sat on mat" = 5: P = 1, R = 5/6, F1 = 10/11.
  EXPECT_NEAR(rouge_l("The cat sat on mat.", "the cat sat on the mat"), 10.0 / 11.0, 1e-9);
  EXPECT_DOUBLE_EQ(rouge_l("Full-time staff receive 15 days.", "Full-time staff receive 15 days."), 1.0);
  EXPECT_DOUBLE_EQ(rouge_l("nothing alike", "entirely different words"), 0.0);
  // A different number is a different word: the old rule does not score as the new one.
  EXPECT_LT(rouge_l("Staff receive 15 days of leave", "Staff receive 18 days of leave"), 1.0);
}

TEST(EvalScorers, RougeLTreatsEachHanCharacterAsAWord) {
  auto tokens = rouge_tokens("年假15天。Annual leave!");
  ASSERT_EQ(tokens.size(), 6u);  // 年 假 15 天 annual leave: punctuation is not a word
  EXPECT_EQ(tokens[0], "年");
  EXPECT_EQ(tokens[2], "15");
  // All 8 characters of the answer appear in order in the 9 of the reference: P = 1, R = 8/9.
  EXPECT_NEAR(rouge_l("每年有十五天特休", "每年有十五天的特休"), 16.0 / 17.0, 1e-9);
}

TEST(EvalScorers, ExactAndContainsIgnoreCaseAndSpacing) {
  EXPECT_EQ(score_text_check(check_of(CheckKind::exact), "  Fifteen   days ", "fifteen days").score, 1.0);
  EXPECT_EQ(score_text_check(check_of(CheckKind::exact), "Fifteen days.", "fifteen days").score, 0.0);
  EXPECT_EQ(score_text_check(check_of(CheckKind::contains, "15 DAYS"), "You get 15 days a year", "").score, 1.0);
  auto miss = score_text_check(check_of(CheckKind::contains, "18 days"), "You get 15 days a year", "");
  EXPECT_EQ(miss.score, 0.0);
  EXPECT_NE(miss.note.find("18 days"), std::string::npos);
  // contains without a value looks for the expected answer.
  EXPECT_EQ(score_text_check(check_of(CheckKind::contains), "Yes: 15 days.", "15 days").score, 1.0);
}

TEST(EvalScorers, RegexAndJsonSchema) {
  EXPECT_EQ(score_text_check(check_of(CheckKind::regex, "\\b1[5-8] days\\b"), "You get 16 days", "").score, 1.0);
  EXPECT_EQ(score_text_check(check_of(CheckKind::regex, "^\\d+$"), "16 days", "").score, 0.0);
  auto bad = score_text_check(check_of(CheckKind::regex, "(unclosed"), "x", "");
  EXPECT_EQ(bad.score, 0.0);
  EXPECT_NE(bad.note.find("does not compile"), std::string::npos);

  Check schema = check_of(CheckKind::json_schema);
  schema.schema = boost::json::parse(R"({"type":"object","required":["days"],"properties":{"days":{"type":"integer"}}})");
  EXPECT_EQ(score_text_check(schema, R"({"days": 15})", "").score, 1.0);
  EXPECT_EQ(score_text_check(schema, R"({"days": "15"})", "").score, 0.0);
  EXPECT_EQ(score_text_check(schema, "fifteen", "").score, 0.0);
}

TEST(EvalScorers, CosineAndJudgeRating) {
  EXPECT_NEAR(cosine({1, 0}, {1, 0}), 1.0, 1e-9);
  EXPECT_NEAR(cosine({1, 0}, {0, 1}), 0.0, 1e-9);
  EXPECT_NEAR(cosine({1, 1}, {1, 0}), 1 / std::sqrt(2.0), 1e-6);
  EXPECT_EQ(cosine({1, 2}, {1}), 0.0);
  EXPECT_EQ(judge_score("5"), 1.0);
  EXPECT_EQ(judge_score("Rating: 3 — partly right"), 0.5);
  EXPECT_EQ(judge_score("1"), 0.0);
  EXPECT_EQ(judge_score("I cannot grade this"), std::nullopt);
  EXPECT_EQ(judge_score("0/5"), std::nullopt);
}

}  // namespace
}  // namespace sy::eval
