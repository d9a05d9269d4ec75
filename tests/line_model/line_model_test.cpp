#include <gtest/gtest.h>

#include <algorithm>

#include "line_model/features.h"
#include "line_model/model.h"
#include "line_model/train.h"

namespace sy::line_model {
namespace {

TEST(LineModelFeatures, AreDistinctBucketsAndTheSameForTheSameText) {
  std::vector<uint32_t> a, b;
  window_features("Remind Joanna that her insulin renews on Friday", a);
  window_features("Remind Joanna that her insulin renews on Friday", b);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
  for (uint32_t f : a) EXPECT_LT(f, kBuckets);
  // Case and digits are read the same way: "Insulin 12" and "insulin 99" share their word features.
  std::vector<uint32_t> c, d;
  window_features("insulin 99", c);
  window_features("Insulin 12", d);
  std::vector<uint32_t> shared;
  std::set_intersection(c.begin(), c.end(), d.begin(), d.end(), std::back_inserter(shared));
  EXPECT_GE(shared.size(), 3u);  // bias, the word, the number as 00
}

TEST(LineModelFeatures, HanTextGivesCharacterGrams) {
  std::vector<uint32_t> f;
  window_features("王美玲確診糖尿病", f);
  // bias + 8 unigrams + 7 bigrams + 6 trigrams, none of them equal
  EXPECT_EQ(f.size(), 1u + 8 + 7 + 6);
}

TEST(LineModelWindows, CutLongTextAtSentencesAndNeverInsideACharacter) {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "這是第" + std::to_string(i) + "句，沒有什麼特別的內容。";
  text += std::string(3000, 'x');  // no sentence end, no space: cut at a character boundary
  auto ws = windows(text);
  ASSERT_GT(ws.size(), 3u);
  size_t total = 0;
  for (auto w : ws) {
    EXPECT_LE(w.size(), kMaxWindow);
    EXPECT_FALSE(w.empty());
    EXPECT_NE(static_cast<unsigned char>(w.front()) & 0xc0, 0x80u) << "a window starts inside a character";
    total += w.size();
  }
  EXPECT_EQ(total, text.size());  // every byte in exactly one window
  EXPECT_EQ(windows("").size(), 1u);
}

TEST(LineModel, LearnsASeparableToyAndRoundTripsItsBytes) {
  std::vector<Example> examples;
  for (int i = 0; i < 40; ++i) {
    examples.push_back({"Patient " + std::to_string(i) + " has diabetes and asthma", true, "toy"});
    examples.push_back({"The printer on floor " + std::to_string(i) + " is out of toner", false, "toy"});
  }
  LineModel model = train(examples);
  EXPECT_GT(model.score("patient 77 has asthma"), 0.8f);
  EXPECT_LT(model.score("the printer on floor 9 needs toner"), 0.2f);
  // A sensitive sentence after a long text the model knows nothing of still scores: words never
  // seen weigh nothing, and a repeated one counts once.
  std::string long_text;
  for (int i = 0; i < 50; ++i) long_text += "Quarterly figures attached for review today. ";
  long_text += "Patient 5 has diabetes.";
  EXPECT_GT(model.score(long_text), 0.8f);

  std::string bytes = model.to_bytes();
  auto read = LineModel::from_bytes(std::as_bytes(std::span(bytes)));
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->weights(), model.weights());
  EXPECT_FALSE(LineModel::from_bytes(std::as_bytes(std::span(bytes).first(bytes.size() - 1))));
  bytes[0] = 'X';
  EXPECT_FALSE(LineModel::from_bytes(std::as_bytes(std::span(bytes))));
  // Training is deterministic: the build's embedded model can be checked against its corpus.
  EXPECT_EQ(train(examples).weights(), model.weights());
}

}  // namespace
}  // namespace sy::line_model
