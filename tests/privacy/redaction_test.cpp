#include <gtest/gtest.h>

#include "privacy/redactor.h"
#include "privacy/restorer.h"
#include "privacy/scanner.h"

namespace sy::privacy {
namespace {

std::shared_ptr<const Scanner> make_scanner() {
  auto s = Scanner::create({});
  EXPECT_TRUE(s);
  return *s;
}

TEST(Redactor, TypedPlaceholdersSameValueSamePlaceholder) {
  auto scanner = make_scanner();
  Redactor redactor;
  std::string first = "Mail a@x.io or call 0912-345-678; cc a@x.io and b@x.io.";
  EXPECT_EQ(redactor.redact(first, scanner->scan(first).findings),
            "Mail [EMAIL_1] or call [PHONE_1]; cc [EMAIL_1] and [EMAIL_2].");
  // A later message of the same request reuses the numbering.
  std::string second = "身分證字號A123456789，信箱b@x.io";
  EXPECT_EQ(redactor.redact(second, scanner->scan(second).findings), "身分證字號[TW_NATIONAL_ID_1]，信箱[EMAIL_2]");
  using Mapping = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(redactor.mapping(), (Mapping{{"[EMAIL_1]", "a@x.io"},
                                         {"[PHONE_1]", "0912-345-678"},
                                         {"[EMAIL_2]", "b@x.io"},
                                         {"[TW_NATIONAL_ID_1]", "A123456789"}}));
}

TEST(Redactor, SkipsOverlappingAndOutOfRangeFindings) {
  Redactor redactor;
  std::vector<Finding> findings = {{Kind::email, 0, 4}, {Kind::phone, 2, 6}, {Kind::ipv4, 8, 99}};
  EXPECT_EQ(redactor.redact("abcdefghij", findings), "[EMAIL_1]efghij");
}

TEST(Restorer, PutsOriginalsBackAcrossChunkBoundaries) {
  Restorer restorer({{"[EMAIL_1]", "a@x.io"}, {"[PHONE_1]", "0912-345-678"}});
  std::string out = restorer.push("Reply to [EMA");
  EXPECT_EQ(out, "Reply to ");  // "[EMA" is held back
  out += restorer.push("IL_1] and call [");
  out += restorer.push("PHONE_1");
  out += restorer.push("]. [Not a placeholder] [EMAIL_9] [");
  out += restorer.flush();
  EXPECT_EQ(out, "Reply to a@x.io and call 0912-345-678. [Not a placeholder] [EMAIL_9] [");
}

TEST(Restorer, ByteByByteRoundTrip) {
  auto scanner = make_scanner();
  Redactor redactor;
  std::string text = "卡號4111 1111 1111 1111，信箱zoe@example.com，電話+886 912 345 678，[brackets] stay.";
  std::string redacted = redactor.redact(text, scanner->scan(text).findings);
  EXPECT_EQ(redacted.find("4111"), std::string::npos);
  EXPECT_EQ(redacted.find("zoe@"), std::string::npos);
  Restorer restorer(redactor.mapping());
  std::string restored;
  for (char c : redacted) restored += restorer.push(std::string_view(&c, 1));
  restored += restorer.flush();
  EXPECT_EQ(restored, text);
}

TEST(Restorer, NoMappingPassesEverythingThrough) {
  Restorer restorer({});
  EXPECT_EQ(restorer.push("[EMAIL_1"), "[EMAIL_1");
  EXPECT_EQ(restorer.flush(), "");
}


// A name found once next to a fact is hidden wherever it is written, as a whole word only.
TEST(EveryMention, AValueFoundOnceIsHiddenWhereverItIsSaid) {
  std::string text = "小蕭：我老婆昨天生了\n阿德：恭喜\n小蕭：這禮拜先請陪產假 Ann, Annual";
  size_t second = text.rfind("小蕭");
  size_t ann = text.find("Ann,");
  std::vector<Finding> found = {{Kind::person, second, second + 6}, {Kind::person, ann, ann + 3}};
  auto all = every_mention(text, found, {{Kind::person, "小蕭"}, {Kind::person, "Ann"}});
  Redactor redactor;
  EXPECT_EQ(redactor.redact(text, all), "[PERSON_1]：我老婆昨天生了\n阿德：恭喜\n[PERSON_1]：這禮拜先請陪產假 [PERSON_2], Annual");
}

}  // namespace
}  // namespace sy::privacy
