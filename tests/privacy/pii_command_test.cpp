#include "privacy/pii_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "privacy/embedded_line_model.h"

namespace sy::privacy {
namespace {

std::shared_ptr<const Scanner> make_scanner() {
  auto s = Scanner::create({});
  EXPECT_TRUE(s);
  return *s;
}

TEST(PiiScanCommand, PlainLinesCodePointOffsetsNoValues) {
  std::istringstream in("身分證字號A123456789請\r\nnothing here\n\n");
  std::ostringstream out;
  EXPECT_EQ(scan_lines(*make_scanner(), in, out, false), 0);
  EXPECT_EQ(out.str(),
            "{\"sensitive\":true,\"findings\":[{\"kind\":\"tw_national_id\",\"start\":5,\"end\":15}]}\n"
            "{\"sensitive\":false,\"findings\":[]}\n"
            "{\"sensitive\":false,\"findings\":[]}\n");
  EXPECT_EQ(out.str().find("A123456789"), std::string::npos);
}

TEST(PiiScanCommand, JsonLinesKeepTheirIds) {
  std::istringstream in(
      "{\"id\": \"a-1\", \"text\": \"mail zoe@example.com\"}\n"
      "\n"
      "{\"text\": \"\\u4f60\\u597d 0912-345-678\", \"id\": 7}\n"
      "{\"text\": \"no id\"}\n");
  std::ostringstream out;
  EXPECT_EQ(scan_lines(*make_scanner(), in, out, true), 0);
  EXPECT_EQ(out.str(),
            "{\"id\":\"a-1\",\"sensitive\":true,\"findings\":[{\"kind\":\"email\",\"start\":5,\"end\":20}]}\n"
            "{\"id\":7,\"sensitive\":true,\"findings\":[{\"kind\":\"phone\",\"start\":3,\"end\":15}]}\n"
            "{\"sensitive\":false,\"findings\":[]}\n");
}

TEST(PiiScanCommand, MalformedJsonLinesFailClosed) {
  std::istringstream in("{\"id\": 1, \"text\": 5}\nnot json\n{\"id\": 2, \"text\": \"fine\"}\n");
  std::ostringstream out;
  EXPECT_EQ(scan_lines(*make_scanner(), in, out, true), 2);
  std::string s = out.str();
  EXPECT_NE(s.find("{\"id\":1,\"sensitive\":true,\"failed\":true"), std::string::npos);
  EXPECT_NE(s.find("{\"id\":2,\"sensitive\":false,\"findings\":[]}"), std::string::npos);
}

TEST(PiiScanCommand, UnreadableInputExitsTwo) {
  PiiScanOptions opts;
  opts.input = "/nonexistent/switchyard/input.txt";
  EXPECT_EQ(run_pii_scan(opts), 2);
}


TEST(PiiScanCommand, PeopleAndAddressesInCodePoints) {
  std::istringstream in("請通知客戶黃志明,信用卡已寄到新竹市東區光復路二段101號\n");
  std::ostringstream out;
  EXPECT_EQ(scan_lines(*make_scanner(), in, out, false), 0);
  EXPECT_EQ(out.str(),
            "{\"sensitive\":true,\"findings\":[{\"kind\":\"person\",\"start\":5,\"end\":8},"
            "{\"kind\":\"address\",\"start\":15,\"end\":29}]}\n");
  EXPECT_EQ(out.str().find("黃志明"), std::string::npos);
}

}  // namespace
}  // namespace sy::privacy

namespace sy::privacy {
namespace {

// A line the rules pass (a name no list holds, pay said only as a number) and the line model
// catches: as the server and `pii scan` judge by default, and with --no-model.
TEST(PiiScanCommand, TheLineModelJudgesWhatTheRulesPass) {
  const std::string line = "李娜月薪18500，五险一金按上海标准扣完税后大概多少？\n";
  ScannerOptions with_model;
  with_model.line_model = embedded_line_model();
  ASSERT_NE(with_model.line_model, nullptr);
  auto judged = Scanner::create(with_model);
  ASSERT_TRUE(judged);
  std::istringstream in(line), again(line);
  std::ostringstream out, rules_only;
  EXPECT_EQ(scan_lines(**judged, in, out, false), 0);
  EXPECT_EQ(out.str().rfind("{\"sensitive\":true,\"model_score\":", 0), 0u) << out.str();
  EXPECT_NE(out.str().find("\"findings\":[]"), std::string::npos) << "a verdict, no span";
  EXPECT_EQ(scan_lines(*make_scanner(), again, rules_only, false), 0);
  EXPECT_EQ(rules_only.str(), "{\"sensitive\":false,\"findings\":[]}\n");
}

}  // namespace
}  // namespace sy::privacy
