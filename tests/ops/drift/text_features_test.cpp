// Drift's prompt features: the script, and hashed terms that read Chinese by character bigrams.
#include "ops/drift/text_features.h"

#include <gtest/gtest.h>

namespace sy::ops::drift {
namespace {

TEST(DriftTextFeatures, LatinWordsAreTerms) {
  auto f = text_features("How many days of leave? How many!");
  EXPECT_EQ(f.script, Script::latin);
  EXPECT_EQ(f.terms_n, 5);  // how, many, days, of, leave: repeats are one term
  EXPECT_EQ(text_features("HOW many").terms[0], text_features("how").terms[0]);  // lower-cased
}

TEST(DriftTextFeatures, HanTextIsReadByBigrams) {
  // 請病假 has no spaces: one "word" to a space splitter, two bigrams (請病, 病假) here.
  auto f = text_features("請病假");
  EXPECT_EQ(f.script, Script::han);
  EXPECT_EQ(f.terms_n, 2);
  // Sharing a bigram shares a term: 病假 in both.
  auto g = text_features("病假");
  ASSERT_EQ(g.terms_n, 1);
  EXPECT_EQ(g.terms[0], f.terms[1]);
  // A lone character is a term of its own; punctuation ends a run.
  EXPECT_EQ(text_features("假").terms_n, 1);
  EXPECT_EQ(text_features("請病。假").terms_n, 2);  // 請病, and 假 alone
}

TEST(DriftTextFeatures, MixedTextTakesTheMainScript) {
  EXPECT_EQ(text_features("VPN 連不上怎麼辦").script, Script::han);
  EXPECT_EQ(text_features("Reset my VPN password 密碼").script, Script::latin);
  EXPECT_EQ(text_features("Где мой отпуск").script, Script::cyrillic);
  EXPECT_EQ(text_features("12345 ?!").script, Script::latin);  // digits are Latin words
  EXPECT_EQ(text_features("?! …").script, Script::none);
  auto f = text_features("VPN 連不上");
  EXPECT_EQ(f.terms_n, 3);  // vpn, 連不, 不上
}

TEST(DriftTextFeatures, BoundedWork) {
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += "word" + std::to_string(i) + " ";
  auto f = text_features(long_text);
  EXPECT_EQ(f.terms_n, kMaxTerms);
  for (size_t i = 0; i < f.terms_n; ++i) EXPECT_LT(f.terms[i], kTermBuckets);
}

TEST(DriftTextFeatures, Refusals) {
  EXPECT_TRUE(looks_like_refusal("I'm sorry, but I can't help with that."));
  EXPECT_TRUE(looks_like_refusal("As an AI model I cannot"));
  EXPECT_TRUE(looks_like_refusal("抱歉，我無法回答這個問題。"));
  EXPECT_FALSE(looks_like_refusal("Full-time staff receive 15 days of annual leave per calendar year."));
  EXPECT_FALSE(looks_like_refusal("全職員工每年有十五天特休。"));
  // Only the start is read: a refusal deep in a long answer is not one.
  EXPECT_FALSE(looks_like_refusal(std::string(200, 'x') + " I'm sorry"));
}

}  // namespace
}  // namespace sy::ops::drift
