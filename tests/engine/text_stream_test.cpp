#include "engine/text_stream.h"

#include <gtest/gtest.h>

namespace sy::engine {
namespace {

std::string feed(TextStream& ts, const std::vector<std::string>& pieces, bool* stopped = nullptr) {
  std::string out;
  for (const auto& p : pieces) {
    auto step = ts.push(p);
    out += step.text;
    if (step.stopped) {
      if (stopped) *stopped = true;
      return out;
    }
  }
  return out + ts.flush();
}

TEST(TextStream, HoldsBackASplitUtf8Character) {
  TextStream ts;
  // 假 is E5 81 87: byte-fallback tokens deliver it one byte at a time.
  EXPECT_EQ(ts.push("請").text, "請");
  EXPECT_EQ(ts.push("\xE5").text, "");
  EXPECT_EQ(ts.push("\x81").text, "");
  EXPECT_EQ(ts.push("\x87").text, "假");
}

TEST(TextStream, BrokenBytesBecomeReplacementCharacters) {
  TextStream ts;
  EXPECT_EQ(ts.push("a\x87" "b").text, "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ts.push("\xE5\x81").text, "");
  EXPECT_EQ(ts.push("c").text, "\xEF\xBF\xBD" "c");
  EXPECT_EQ(ts.push("\xE5").text, "");
  EXPECT_EQ(ts.flush(), "\xEF\xBF\xBD");
}

TEST(TextStream, FindsAStopSequenceSplitAcrossPieces) {
  TextStream ts({"\nUser:"});
  bool stopped = false;
  EXPECT_EQ(feed(ts, {"Hello", " there", "\nUs", "er", ": more"}, &stopped), "Hello there");
  EXPECT_TRUE(stopped);
}

TEST(TextStream, ReleasesHeldTextWhenTheStopDoesNotMaterialize) {
  TextStream ts({"STOP"});
  EXPECT_EQ(ts.push("abc ST").text, "abc ");
  EXPECT_EQ(ts.push("ART").text, "START");
  EXPECT_EQ(ts.flush(), "");
}

TEST(TextStream, KeepsTextHeldForAStopPrefixUntilTheEnd) {
  TextStream ts({"STOP"});
  bool stopped = false;
  EXPECT_EQ(feed(ts, {"abc", " ST"}, &stopped), "abc ST");
  EXPECT_FALSE(stopped);
}

TEST(TextStream, EarliestOfSeveralStopsWins) {
  TextStream ts({"world", "lo w"});
  bool stopped = false;
  EXPECT_EQ(feed(ts, {"hel", "lo world"}, &stopped), "hel");
  EXPECT_TRUE(stopped);
}

TEST(TextStream, StripsTheSentencePieceSpaceOfTheFirstWordOnly) {
  TextStream ts;
  EXPECT_EQ(ts.push(" ").text, "");
  EXPECT_EQ(ts.push(" Annual").text, "Annual");
  EXPECT_EQ(ts.push(" leave").text, " leave");
}

TEST(TextStream, EmptyStopStringsAreIgnored) {
  TextStream ts({""});
  EXPECT_EQ(feed(ts, {"a", "b"}), "ab");
}

}  // namespace
}  // namespace sy::engine
