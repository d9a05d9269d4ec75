#include "privacy/scanner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace sy::privacy {
namespace {

const Scanner& scanner() {
  static const std::shared_ptr<const Scanner> instance = [] {
    auto created = Scanner::create({});
    EXPECT_TRUE(created) << created.error().message;
    return *created;
  }();
  return *instance;
}

// "kind:value" for each finding, in order: compact to compare, and it shows the spans.
std::vector<std::string> found(const Scanner& s, std::string_view text) {
  std::vector<std::string> out;
  for (const Finding& f : s.scan(text).findings) {
    out.push_back(std::string(to_string(f.kind)) + ":" + std::string(text.substr(f.start, f.end - f.start)));
  }
  return out;
}
std::vector<std::string> found(std::string_view text) { return found(scanner(), text); }
using Found = std::vector<std::string>;

struct Case {
  const char* text;
  const char* expect;  // kind:value
};

class EachKind : public ::testing::TestWithParam<Case> {};

TEST_P(EachKind, IsFoundWithItsExactSpan) {
  const Case& c = GetParam();
  EXPECT_EQ(found(c.text), Found{c.expect}) << c.text;
  ScanResult r = scanner().scan(c.text);
  EXPECT_TRUE(r.sensitive);
  EXPECT_FALSE(r.failed);
}

INSTANTIATE_TEST_SUITE_P(
    Scanner, EachKind,
    ::testing::Values(
        Case{"Mail zoe.tsai+news@mail.example.com.tw.", "email:zoe.tsai+news@mail.example.com.tw"},
        Case{"From: Dana <dana_w@example.org> wrote", "email:dana_w@example.org"},
        Case{"Call +886 912 345 678 today", "phone:+886 912 345 678"},
        Case{"Call +14155550183 today", "phone:+14155550183"},
        Case{"Call +1 (415) 555-2671 today", "phone:+1 (415) 555-2671"},
        Case{"手機0912-345-678，謝謝", "phone:0912-345-678"}, Case{"手機 0912345678", "phone:0912345678"},
        Case{"電話(02)2345-6789分機12", "phone:(02)2345-6789"}, Case{"office 02-2345-6789", "phone:02-2345-6789"},
        Case{"联系电话13812345678。", "phone:13812345678"}, Case{"tel 138 1234 5678", "phone:138 1234 5678"},
        Case{"US office (415) 555-2671", "phone:(415) 555-2671"}, Case{"US office 415-555-2671", "phone:415-555-2671"},
        Case{"US office 415.555.2671", "phone:415.555.2671"},
        Case{"card 4111 1111 1111 1111 exp 09/27", "credit_card:4111 1111 1111 1111"},
        Case{"card 4111-1111-1111-1111", "credit_card:4111-1111-1111-1111"},
        Case{"卡號5555555555554444，", "credit_card:5555555555554444"},
        Case{"amex 3782 822463 10005 ok", "credit_card:3782 822463 10005"},
        Case{"IBAN DE89 3704 0044 0532 0130 00 please", "iban:DE89 3704 0044 0532 0130 00"},
        Case{"to GB82WEST12345698765432;", "iban:GB82WEST12345698765432"},
        Case{"身分證字號A123456789請確認", "tw_national_id:A123456789"},
        Case{"居留證A800000014", "tw_resident_certificate:A800000014"},
        Case{"ARC AC01234567 (old)", "tw_resident_certificate:AC01234567"},
        Case{"身份证号11010519491231002X，", "cn_resident_id:11010519491231002X"},
        Case{"SSN 123-45-6789.", "us_ssn:123-45-6789"}, Case{"SSN: 233115454, born 1986", "us_ssn:233115454"},
        Case{"from 10.237.72.97:8080 again", "ipv4:10.237.72.97"}, Case{"host 192.168.1.20.", "ipv4:192.168.1.20"},
        Case{"bind [2001:db8:9c05:7a18::5847]:8443", "ipv6:2001:db8:9c05:7a18::5847"},
        Case{"addr fe80::1ff:fe23:4567:890a on eth0", "ipv6:fe80::1ff:fe23:4567:890a"},
        Case{"key AKIAIRPXJ7ZERF2MXVHT in us-east-1", "aws_access_key:AKIAIRPXJ7ZERF2MXVHT"},
        Case{"OPENAI_API_KEY=sk-proj-y4JB2bxI0iO4BzmqUS3Y7dTAUZ6fXnRZe4Lvfbaml8a1",
             "api_key:sk-proj-y4JB2bxI0iO4BzmqUS3Y7dTAUZ6fXnRZe4Lvfbaml8a1"},
        Case{"x-api-key: sk-ant-api03-Zx81kQ2mPq9LrT5vWn3Ys7Ub0Dc4Fe6Gh8Ij1Kl-AA",
             "api_key:sk-ant-api03-Zx81kQ2mPq9LrT5vWn3Ys7Ub0Dc4Fe6Gh8Ij1Kl-AA"},
        Case{"GITHUB_TOKEN=ghp_oBmhBqA4cMcb33IUK4eJEa3qrqIrYhCUogJ5 --",
             "github_token:ghp_oBmhBqA4cMcb33IUK4eJEa3qrqIrYhCUogJ5"},
        Case{"Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
             "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U done",
             "jwt:eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
             "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"},
        Case{"key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAMZfJFlfjlI6FEWHbmfc3of37pKwV5M8\n"
             "bzj5A4SiedPCV==\n-----END RSA PRIVATE KEY-----\nthanks",
             "private_key:-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAMZfJFlfjlI6FEWHbmfc3of37pKwV5M8\n"
             "bzj5A4SiedPCV==\n-----END RSA PRIVATE KEY-----"},
        Case{"DB_PASSWORD=Falcon?2186nimbus\nDB_USER=app", "password:Falcon?2186nimbus"},
        Case{"?user=rs&password=Tidal!50copper&next=1", "password:Tidal!50copper"},
        Case{"  passwd: 8m?^ThWsq&%LGzLZ\n", "password:8m?^ThWsq&%LGzLZ"},
        Case{"secret = \"Quill*5248juniper\"", "password:Quill*5248juniper"},
        Case{"密碼：Nimbus$3082falcon，請幫我寫交接說明", "password:Nimbus$3082falcon"}));

TEST(Scanner, HanCharactersAreFineNeighbours) {
  std::string text = "身分證字號A123456789請";
  ScanResult r = scanner().scan(text);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, Kind::tw_national_id);
  EXPECT_EQ(r.findings[0].start, 15u);  // five Han characters, three bytes each
  EXPECT_EQ(r.findings[0].end, 25u);
  EXPECT_EQ(char_offsets(text, r.findings[0]), (std::pair<size_t, size_t>{5, 15}));
}

TEST(Scanner, ListsOfValues) {
  EXPECT_EQ(found("手機0912-345-678/0987-654-321"), (Found{"phone:0912-345-678", "phone:0987-654-321"}));
  EXPECT_EQ(found("a@b.io,c@d.io;e@f.io"), (Found{"email:a@b.io", "email:c@d.io", "email:e@f.io"}));
}

TEST(Scanner, GluedToLettersOrDigitsIsNotAValue) {
  EXPECT_EQ(found("XA123456789"), Found{});
  EXPECT_EQ(found("A1234567890"), Found{});
  EXPECT_EQ(found("04111111111111111"), Found{});
  EXPECT_EQ(found("v10.0.0.1"), Found{});
}

TEST(Scanner, NumbersThatFailTheirChecksumsAreNotSensitive) {
  for (const char* text :
       {"Tracking reference 4674 3688 0096 8318 shows in transit", "batch 4111111111111112 twice",
        "身分證字號A123456788", "居留證C926654590", "证件号110101199913401246", "编号310104202302290736",
        "IBAN GB82WEST12345698765433", "SSN 666-45-1234", "Part number 123-00-4567", "Is 999.999.999.999 valid?"}) {
    ScanResult r = scanner().scan(text);
    EXPECT_FALSE(r.sensitive) << text << " -> " << (r.findings.empty() ? "" : to_string(r.findings[0].kind));
  }
}

TEST(Scanner, DatesVersionsOrderNumbersAmountsAndIdsOfThingsAreNotSensitive) {
  for (const char* text :
       {"Move the review from 2024-03-15 to 2024-03-22.", "Invoice dated 15.03.2024, due 03/15/2024.",
        "started at 2024-03-15T10:22:31Z", "Upgrade from 1.2.3 to 1.4.0, Python 3.12.1",
        "Windows version 10.0.19045.3570", "Chrome 122.0.6261.94 crashes", "Release tag 2024.03.15.1",
        "Where is order ORD-2024-000123?", "Close INC0012345 and PRB0004567", "訂單編號 20240315001 還沒出貨",
        "Total due: $1,234.56", "本案預算新台幣 1,280,000 元", "Request 05cddb10-5cfc-4556-a4c9-965486254dab timed out",
        "commit 3b2849bdc9ab85b2f24a5d0807ff201f6e708ac9", "Use #1A73E8 for buttons", "at 09:15 and 16:30",
        "std::vector<int> and Dec::fab", "ISBN 978-3-16-148410-0", "ZIP 94103-1234"}) {
    ScanResult r = scanner().scan(text);
    EXPECT_FALSE(r.sensitive) << text << " -> " << (r.findings.empty() ? "" : to_string(r.findings[0].kind));
  }
}

TEST(Scanner, PlaceholdersAndMentionsAreNotSensitive) {
  for (const char* text : {"export OPENAI_API_KEY=YOUR_API_KEY",
                           "the key looks like sk-...Qx7f",
                           "Use sk-proj-... for project keys",
                           "password=<your-password>",
                           "PASSWORD=${DB_PASSWORD}",
                           "password: ********",
                           "How do I reset my password?",
                           "Reset your password: go to settings",
                           "忘記密碼怎麼辦？",
                           "aws_access_key_id = AKIA****************",
                           "the docs use AKIAIOSFODNN7EXAMPLE",
                           "Replace ghp_XXXX with your own token",
                           "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                           "Card number format: xxxx-xxxx-xxxx-xxxx",
                           "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
                           "Thanks @mei_lin and @jordan.dev",
                           "npm install @types/node",
                           "JWTs often start with eyJ because",
                           "risk-free desk-booking task-list",
                           "password=[PASSWORD_1] after redaction"}) {
    ScanResult r = scanner().scan(text);
    EXPECT_FALSE(r.sensitive) << text << " -> " << (r.findings.empty() ? "" : to_string(r.findings[0].kind));
  }
}

TEST(Scanner, FindingsAreSortedAndDisjoint) {
  std::string text = "a@b.io, 0912-345-678, A123456789, 4111 1111 1111 1111, a@b.io";
  ScanResult r = scanner().scan(text);
  ASSERT_EQ(r.findings.size(), 5u);
  for (size_t i = 1; i < r.findings.size(); ++i) EXPECT_LE(r.findings[i - 1].end, r.findings[i].start);
}

TEST(Scanner, EmptyAndHugeTexts) {
  EXPECT_FALSE(scanner().scan("").sensitive);
  // Past one scan segment (1 MiB): a value near the end and one across a segment edge are found.
  std::string text(3 << 20, 'x');
  for (size_t i = 0; i < text.size(); i += 64) text[i] = ' ';
  text.replace((1 << 20) - 5, 12, " a@b.io    ");
  text.replace(text.size() - 20, 12, " A123456789 ");
  ScannerOptions options;
  options.budget = std::chrono::seconds(5);
  auto big = Scanner::create(options);
  ASSERT_TRUE(big);
  EXPECT_EQ(found(**big, text), (Found{"email:a@b.io", "tw_national_id:A123456789"}));
}

TEST(Scanner, FailsClosedWhenTheBudgetRunsOut) {
  ScannerOptions options;
  options.budget = std::chrono::microseconds(1);
  auto tiny = Scanner::create(options);
  ASSERT_TRUE(tiny);
  std::string text;
  while (text.size() < (4 << 20)) text += "nothing to see here, just 12345678 words and 2024-03-15 dates. ";
  ScanResult r = (*tiny)->scan(text);
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.sensitive);
}

TEST(Scanner, ThreadsShareOneScanner) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (found("身分證字號A123456789 and 0912-345-678") !=
            Found{"tw_national_id:A123456789", "phone:0912-345-678"}) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// One thread keeps one Hyperscan scratch for all the scanners it uses (the request's, the output
// guard's, the ones a reload made): taken in turns, more of them than it remembers, each still
// finds its own terms and the common patterns.
TEST(Scanner, OneThreadTakesManyScannersInTurns) {
  std::vector<std::shared_ptr<const Scanner>> scanners;
  for (int i = 0; i < 11; ++i) {
    ScannerOptions options;
    options.dictionary_terms = {"codename" + std::string(static_cast<size_t>(i + 1), 'x')};
    auto s = Scanner::create(options);
    ASSERT_TRUE(s) << s.error().message;
    scanners.push_back(*s);
  }
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < scanners.size(); ++i) {
      std::string term = "codename" + std::string(i + 1, 'x');
      EXPECT_EQ(found(*scanners[i], "ask " + term + " at a@b.example"),
                (Found{"confidential_term:" + term, "email:a@b.example"}))
          << "scanner " << i << " round " << round;
    }
  }
}

class DictionaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("switchyard-dict-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             std::to_string(reinterpret_cast<uintptr_t>(this)) + ".txt");
    std::ofstream(path_) << "# code names\nProject Falcon\n\n  NIGHTJAR  \n藍鰭計畫\nC++ Core\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(DictionaryTest, TermsAreFoundCaseInsensitivelyAndOnTheirOwn) {
  ScannerOptions options;
  options.dictionary_files = {path_.string()};
  auto s = Scanner::create(options);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->dictionary_size(), 4u);
  EXPECT_EQ(found(**s, "status of project falcon?"), Found{"confidential_term:project falcon"});
  EXPECT_EQ(found(**s, "the nightjar launch"), Found{"confidential_term:nightjar"});
  EXPECT_EQ(found(**s, "請更新藍鰭計畫的進度"), Found{"confidential_term:藍鰭計畫"});
  EXPECT_EQ(found(**s, "see C++ Core guidelines"), Found{"confidential_term:C++ Core"});
  EXPECT_EQ(found(**s, "Project Falconry and NIGHTJARS"), Found{});
  EXPECT_EQ(found(**s, "藍鰭鮪魚"), Found{});
}

TEST_F(DictionaryTest, AMissingFileIsAnError) {
  ScannerOptions options;
  options.dictionary_files = {path_.string() + ".missing"};
  auto s = Scanner::create(options);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find(".missing"), std::string::npos);
}

TEST(CharOffsets, CountCodePointsNotBytes) {
  std::string text = "é😀 a@b.io";
  Finding f{Kind::email, text.find("a@"), text.size()};
  EXPECT_EQ(char_offsets(text, f), (std::pair<size_t, size_t>{3, 9}));
  EXPECT_EQ(code_point_offset("\xff\xfe"
                              "ab",
                              4),
            4u);  // invalid UTF-8: one per byte
}

TEST(CharOffsets, AllFindingsInOnePass) {
  std::string text = "電話0912-345-678，信箱a@b.io，身分證A123456789";
  ScanResult r = scanner().scan(text);
  ASSERT_EQ(r.findings.size(), 3u);
  std::vector<std::pair<size_t, size_t>> expected;
  for (const Finding& f : r.findings) expected.push_back(char_offsets(text, f));
  EXPECT_EQ(char_offsets(text, r.findings), expected);
  EXPECT_EQ(expected[0], (std::pair<size_t, size_t>{2, 14}));
}

}  // namespace
}  // namespace sy::privacy
