// The context detectors (people with personal facts, addresses, labelled numbers, birth dates),
// one rule at a time: each test names the value it expects found, where, and the look-alikes that
// must stay quiet. The measured rates over the labelled sets are in dataset_test.cpp.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "privacy/redactor.h"
#include "privacy/scanner.h"

namespace sy::privacy {
namespace {

const Scanner& scanner() {
  static auto s = Scanner::create({});
  return **s;
}

std::set<std::string> kinds(std::string_view text) {
  std::set<std::string> out;
  for (const auto& f : scanner().scan(text).findings) out.insert(to_string(f.kind));
  return out;
}

// The text of every finding of that kind.
std::vector<std::string> values(std::string_view text, Kind kind) {
  std::vector<std::string> out;
  for (const auto& f : scanner().scan(text).findings) {
    if (f.kind == kind) out.emplace_back(text.substr(f.start, f.end - f.start));
  }
  return out;
}

using Kinds = std::set<std::string>;

TEST(ContextPeople, TheIssuesTwoExamplesAreSensitive) {
  std::string en = "Remind Joanna Whitaker that her insulin prescription renews on Friday.";
  EXPECT_EQ(kinds(en), (Kinds{"health", "person"}));
  EXPECT_EQ(values(en, Kind::person), std::vector<std::string>{"Joanna Whitaker"});

  std::string zh = "請通知客戶黃志明,信用卡已寄到新竹市東區光復路二段101號";
  EXPECT_EQ(kinds(zh), (Kinds{"address", "person"}));
  EXPECT_EQ(values(zh, Kind::person), std::vector<std::string>{"黃志明"});
  EXPECT_EQ(values(zh, Kind::address), std::vector<std::string>{"新竹市東區光復路二段101號"});
}

TEST(ContextPeople, ANameNeedsAFactAndAFactNeedsAName) {
  EXPECT_TRUE(kinds("Please send Joanna Whitaker the agenda for Friday's meeting.").empty());
  EXPECT_TRUE(kinds("How many sick-leave days do employees get, and is insulin covered by the plan?").empty());
  EXPECT_TRUE(kinds("員工的年薪怎麼計算？糖尿病的病假規定是什麼？").empty());
  EXPECT_EQ(kinds("王美玲上個月確診糖尿病，請幫她安排門診。"), (Kinds{"health", "person"}));
  EXPECT_EQ(kinds("陳先生的月薪是多少要保密"), (Kinds{"person", "salary"}));
  EXPECT_EQ(kinds("Draft the letter: Mr. Okonkwo received a written warning for misconduct."),
            (Kinds{"performance", "person"}));
}

TEST(ContextPeople, FamousAndFictionalPeopleAreGeneralKnowledge) {
  EXPECT_TRUE(kinds("What illness did Frederic Chopin die of?").empty());
  EXPECT_TRUE(kinds("When was Albert Einstein born, and did he have a learning disability?").empty());
  EXPECT_TRUE(kinds("Albert Einstein was born on 14 March 1879 in Ulm.").empty());
  EXPECT_TRUE(kinds("諸葛亮是怎麼病死的？").empty());
  EXPECT_TRUE(kinds("林黛玉得的是什麼病？肺結核嗎？").empty());
}

TEST(ContextPeople, EponymsOrganizationsAndSurnameWordsAreNotPeople) {
  EXPECT_TRUE(kinds("Explain how a Smith chart is used, and how Parkinson's disease is diagnosed.").empty());
  EXPECT_TRUE(kinds("Does the Mayo Clinic treat diabetes in children?").empty());
  EXPECT_TRUE(kinds("王國的高速公路上，張力與周期的陳述曾經許可黃昏時的癌症研究。").empty());
}

TEST(ContextAddress, HanAddressesNeedAHouseNumberAfterARoad) {
  EXPECT_EQ(values("寄到台北市大安區和平東路三段120巷5弄7號3樓，謝謝", Kind::address),
            std::vector<std::string>{"台北市大安區和平東路三段120巷5弄7號3樓"});
  EXPECT_EQ(values("收货地址：上海市浦东新区张江路100弄5号1203室", Kind::address),
            std::vector<std::string>{"上海市浦东新区张江路100弄5号1203室"});
  EXPECT_TRUE(kinds("新竹科學園區附近有什麼好吃的？光復路上有推薦的嗎？").empty());
  EXPECT_TRUE(kinds("12月5號開會，請走3號出口，搭5號線。").empty());
}

TEST(ContextAddress, LatinAddressesNeedAHouseNumberBeforeAStreet) {
  EXPECT_EQ(values("Ship it to 1234 Elm Street, Springfield, IL 62704 by Monday.", Kind::address),
            std::vector<std::string>{"1234 Elm Street, Springfield, IL 62704"});
  EXPECT_EQ(values("She moved to 12 Acacia Avenue, Leeds LS6 2AB last year.", Kind::address),
            std::vector<std::string>{"12 Acacia Avenue, Leeds LS6 2AB"});
  EXPECT_TRUE(kinds("Which restaurants on Elm Street are open late?").empty());
  EXPECT_TRUE(kinds("Sherlock Holmes lived at 221B Baker Street.").empty());
}

TEST(ContextLabelledNumbers, TheLabelMakesTheNumber) {
  EXPECT_EQ(values("Her passport number is L19530021, please check the visa.", Kind::passport),
            std::vector<std::string>{"L19530021"});
  EXPECT_EQ(values("請轉帳到帳號 123-45-678901-2", Kind::account_number), std::vector<std::string>{"123-45-678901-2"});
  EXPECT_EQ(values("Patient MRN-00482913 needs a follow-up.", Kind::medical_record), std::vector<std::string>{"00482913"});
  EXPECT_EQ(values("本件為112年度訴字第123號判決", Kind::case_number), std::vector<std::string>{"112年度訴字第123號"});
  EXPECT_TRUE(kinds("How do I renew a passport? My account manager said it takes 10 days.").empty());
  EXPECT_TRUE(kinds("我的帳號被鎖住了，訂單編號 20240315 查不到。").empty());
}

TEST(ContextBirthDates, ADateIsABirthDateByItsLabel) {
  EXPECT_EQ(values("DOB: 1983-03-05", Kind::date_of_birth), std::vector<std::string>{"1983-03-05"});
  EXPECT_EQ(values("申請人民國72年3月5日生", Kind::date_of_birth), std::vector<std::string>{"民國72年3月5日"});
  EXPECT_EQ(values("出生日期：1983年3月5日", Kind::date_of_birth), std::vector<std::string>{"1983年3月5日"});
  EXPECT_TRUE(kinds("民國113年3月15日開會，新制度3月5日生效。").empty());
  EXPECT_TRUE(kinds("My birthday is March 5; what star sign is that?").empty());
}

TEST(ContextRedaction, TheNameIsReplacedAndTheFactStays) {
  std::string text = "Remind Joanna Whitaker that her insulin prescription renews on Friday.";
  Redactor redactor;
  EXPECT_EQ(redactor.redact(text, scanner().scan(text).findings),
            "Remind [PERSON_1] that her insulin prescription renews on Friday.");
}


// A name that runs straight into its fact (邱銳 + 喜得千金) ends where the fact begins, and a fact
// never pushes a name out: otherwise redaction would replace nothing and send the name on.
TEST(ContextRedaction, AFactNeverPushesOutTheNameItIsAbout) {
  std::string text = "用輕鬆的語氣寫群公告：恭喜技術部的邱銳喜得千金！";
  EXPECT_EQ(values(text, Kind::person), std::vector<std::string>{"邱銳"});
  Redactor redactor;
  EXPECT_EQ(redactor.redact(text, scanner().scan(text).findings), "用輕鬆的語氣寫群公告：恭喜技術部的[PERSON_1]喜得千金！");
}


TEST(ContextPeople, AccentsLowerCaseAndGivenNamesAlone) {
  // Accented names are looked up without accents too; lower-case ones with a family name after.
  EXPECT_EQ(values("Draft a note to payroll: Lucía Ferrándiz gets a retention bonus.", Kind::person),
            std::vector<std::string>{"Lucía Ferrándiz"});
  // Capitals of Latin Extended-A (Ł, Ś, Ž) start a name too.
  EXPECT_EQ(values("Remind Łukasz Świątek that his insulin prescription renews on Friday.", Kind::person),
            std::vector<std::string>{"Łukasz Świątek"});
  EXPECT_EQ(values("Ask Žan Ožbolt whether his chemotherapy moved to Thursday.", Kind::person),
            std::vector<std::string>{"Žan Ožbolt"});
  EXPECT_EQ(values("draft a written warning for kenji matsuda, third late arrival", Kind::person),
            std::vector<std::string>{"kenji matsuda"});
  // A given name alone where names are written: after 的, after a role word, with a kinship title.
  EXPECT_EQ(values("我是行政部的淑娟，昨天確診B型流感，需要請三天病假。", Kind::person), std::vector<std::string>{"淑娟"});
  EXPECT_EQ(values("我想寫卡片給同事怡萱，她上週做完第六次化療。", Kind::person), std::vector<std::string>{"怡萱"});
  EXPECT_EQ(values("佳怡說她年終只有兩個月，比同組的少。", Kind::person), std::vector<std::string>{"佳怡"});
  EXPECT_EQ(values("[note] 雅芳因為長期偏頭痛常請病假", Kind::person), std::vector<std::string>{"雅芳"});
  // ... but not an everyday word in the same place.
  EXPECT_TRUE(kinds("員工健康檢查可以選哪些醫院？大家都說糖尿病要早點檢查。").empty());
}

TEST(ContextPeople, AnHrNoteAboutSomeoneIsNotTheirRole) {
  // 人資主管是白秀玲: she handles salaries for a living, so "薪資" next to her is a topic.
  EXPECT_TRUE(kinds("新任人資主管是白秀玲，請幫我寫一段歡迎詞，介紹她負責薪資與招募業務。").empty());
  // 人資備註：賴宥蓁 ...: a note about her, and the warning is hers.
  EXPECT_EQ(kinds("人資備註：賴宥蓁本月多次未打卡，記小過一次。"), (Kinds{"performance", "person"}));
}

}  // namespace
}  // namespace sy::privacy
