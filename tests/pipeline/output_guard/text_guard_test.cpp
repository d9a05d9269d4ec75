#include "pipeline/output_guard/text_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace sy::pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<const privacy::Scanner> scanner(std::vector<std::string> terms = {}) {
  privacy::ScannerOptions options;
  options.dictionary_terms = std::move(terms);
  auto made = privacy::Scanner::create(options);
  if (!made) ADD_FAILURE() << made.error().message;
  return *made;
}

// The text split at the given byte offsets (each piece pushed as a chunk), then flushed.
std::string stream(TextGuard& g, const std::string& text, const std::vector<size_t>& cuts) {
  std::string out;
  size_t at = 0;
  for (size_t cut : cuts) {
    out += g.push(std::string_view(text).substr(at, cut - at));
    at = cut;
  }
  out += g.push(std::string_view(text).substr(at));
  out += g.flush();
  return out;
}

TEST(TextGuard, WithNothingToFindTheTextIsUnchangedHoweverItIsCut) {
  auto s = scanner();
  GuardPolicy policy;
  const std::string text =
      "The quarterly report covers revenue of 12 million, 3 new offices and a 4.5% rise in staff. "
      "新竹的辦公室今年擴大了一倍，員工旅遊在十月。 Next steps: review (section 2-3), then sign.";
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> cuts;
    for (size_t at = 0; at < text.size();) {
      at += 1 + rng() % 9;
      if (at < text.size()) cuts.push_back(at);
    }
    TextGuard g(*s, policy);
    EXPECT_EQ(stream(g, text, cuts), text) << "round " << round;
    EXPECT_TRUE(g.interventions().empty());
  }
}

TEST(TextGuard, AnEmailAndATaiwanIdSplitAcrossChunksAreRedacted) {
  auto s = scanner();
  GuardPolicy policy;
  const std::string text = "Write to jane.doe@example.com about ID G297049707, thanks.";
  for (size_t a = 1; a < text.size(); a += 3) {
    TextGuard g(*s, policy);
    auto out = stream(g, text, {a, std::min(text.size() - 1, a + 7)});
    EXPECT_EQ(out, "Write to [EMAIL_1] about ID [TW_NATIONAL_ID_1], thanks.") << "cut at " << a;
    EXPECT_THAT(g.interventions(), ::testing::UnorderedElementsAre("redact:email", "redact:tw_national_id"));
  }
}

TEST(TextGuard, ACardNumberWrittenInGroupsIsHeldUntilItIsWhole) {
  auto s = scanner();
  GuardPolicy policy;
  TextGuard g(*s, policy);
  std::string out = g.push("Card: 4111 ");
  out += g.push("1111 1111 ");
  EXPECT_THAT(out, Not(HasSubstr("4111"))) << "a number in progress is not released";
  out += g.push("1111 is on file.");
  out += g.flush();
  EXPECT_EQ(out, "Card: [CREDIT_CARD_1] is on file.");
}

TEST(TextGuard, OrdinaryWordsGoOutAtOnce) {
  auto s = scanner();
  GuardPolicy policy;
  TextGuard g(*s, policy);
  EXPECT_EQ(g.push("Hello there, "), "Hello there, ");
  EXPECT_EQ(g.push("how are"), "how ");  // only the word in progress waits
  EXPECT_EQ(g.push(" you?"), "are ");
  EXPECT_EQ(g.flush(), "you?");
  TextGuard han(*s, policy);
  EXPECT_EQ(han.push("年假有十五天"), "年假有十五天");  // Han text has no word in progress to wait for
}

TEST(TextGuard, HoldingBackIsBounded) {
  auto s = scanner();
  GuardPolicy policy;
  policy.hold_back = 32;
  TextGuard g(*s, policy);
  std::string token(100, 'x');
  auto out = g.push(token);
  EXPECT_EQ(out.size(), 68u);
}

TEST(TextGuard, BlockStopsEverythingAfter) {
  auto s = scanner();
  GuardPolicy policy;
  policy.on_sensitive = GuardAction::block;
  TextGuard g(*s, policy);
  std::string out = g.push("Sure. Her SSN is 078-05-");
  out += g.push("1120 and more text");
  out += g.flush();
  EXPECT_TRUE(g.blocked());
  EXPECT_THAT(out, Not(HasSubstr("1120")));
  EXPECT_EQ(g.push("anything"), "");
  EXPECT_THAT(g.interventions(), ::testing::Contains(::testing::StartsWith("block:")));
}

TEST(TextGuard, LogLeavesTheTextAndSaysSo) {
  auto s = scanner();
  GuardPolicy policy;
  policy.on_sensitive = GuardAction::log;
  TextGuard g(*s, policy);
  const std::string text = "Mail bob@example.org today.";
  EXPECT_EQ(stream(g, text, {7, 12}), text);
  EXPECT_THAT(g.interventions(), ::testing::ElementsAre("log:email"));
}

TEST(TextGuard, OnlyTheKindsAskedFor) {
  auto s = scanner();
  GuardPolicy policy;
  policy.kinds = {privacy::Kind::credit_card};
  TextGuard g(*s, policy);
  const std::string text = "Mail bob@example.org, card 4111 1111 1111 1111.";
  EXPECT_EQ(stream(g, text, {9}), "Mail bob@example.org, card [CREDIT_CARD_1].");
}

TEST(TextGuard, ABlockedTermAcrossChunksIsCaught) {
  auto s = scanner({"Project Nightjar"});
  GuardPolicy policy;
  policy.longest_term = std::string("Project Nightjar").size();
  TextGuard g(*s, policy);
  std::string out = g.push("The plan is called Project Nigh");
  out += g.push("tjar and it ships soon.");
  out += g.flush();
  EXPECT_TRUE(g.blocked());
  EXPECT_THAT(out, Not(HasSubstr("Nightjar")));
}

// People with personal facts (privacy/context.h) in an answer: whole, the name is replaced and the
// fact stays; streamed word by word, the name has gone out before the fact arrives, so `block`
// ends the stream at the fact and nothing after it goes out.
TEST(TextGuard, APersonWithAHealthFactIsRedactedInAWholeAnswer) {
  auto s = scanner();
  GuardPolicy policy;
  TextGuard g(*s, policy);
  std::string out = g.push("Remind Joanna Whitaker that her insulin prescription renews on Friday.");
  out += g.flush();
  EXPECT_EQ(out, "Remind [PERSON_1] that her insulin prescription renews on Friday.");
  EXPECT_THAT(g.interventions(), ::testing::Contains("redact:person"));
}

TEST(TextGuard, APersonWithAHealthFactStreamedWordByWordIsBlockedAtTheFact) {
  auto s = scanner();
  GuardPolicy policy;
  policy.on_sensitive = GuardAction::block;
  TextGuard g(*s, policy);
  const std::string text = "Sure. Joanna Whitaker has type 2 diabetes and takes insulin daily. Anything else?";
  std::vector<size_t> cuts;
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] == ' ') cuts.push_back(i);
  }
  std::string out = stream(g, text, cuts);
  EXPECT_TRUE(g.blocked());
  EXPECT_THAT(out, Not(HasSubstr("diabetes")));
  EXPECT_THAT(out, Not(HasSubstr("Anything else")));
}

}  // namespace
}  // namespace sy::pipeline
