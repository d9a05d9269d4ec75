#include "pipeline/privacy_scan/privacy_scan_stage.h"

#include <gtest/gtest.h>

#include "privacy/embedded_line_model.h"
#include "support/run_sync.h"

namespace sy::pipeline {
namespace {

RequestState asking(const std::string& text) {
  RequestState s;
  core::Message m;
  m.role = "user";
  core::ContentPart p;
  p.text = text;
  m.parts.push_back(p);
  s.chat.messages.push_back(m);
  return s;
}

core::Result<Verdict> run(const PrivacyScanStage& stage, RequestState& s) {
  auto f = stage.start(s);
  return sy::testing::run_sync(f->on_request(s));
}

std::shared_ptr<const privacy::Scanner> scanner() { return *privacy::Scanner::create({}); }

TEST(PrivacyScanStage, FindingsAndTheClassGoOnTheStateNeverTheValues) {
  PrivacyScanStage stage(scanner(), "local_only");
  auto s = asking("Please email the contract to jane.doe@example.com today.");
  ASSERT_TRUE(run(stage, s).ok());
  EXPECT_TRUE(s.privacy.sensitive);
  EXPECT_EQ(s.privacy.privacy, router::PrivacyClass::local_only);
  ASSERT_EQ(s.findings.size(), 1u);
  EXPECT_EQ(s.findings[0].kind, privacy::Kind::email);
  EXPECT_EQ(s.record.privacy, "local_only");
  EXPECT_EQ(s.record.kinds, std::vector<std::string>{"email"});
  auto clean = asking("What is a good name for a cat?");
  ASSERT_TRUE(run(stage, clean).ok());
  EXPECT_EQ(clean.record.privacy, "any");
}

TEST(PrivacyScanStage, RedactAndBlockPolicies) {
  auto s = asking("Email jane.doe@example.com");
  ASSERT_TRUE(run(PrivacyScanStage(scanner(), "redact"), s).ok());
  EXPECT_EQ(s.privacy.privacy, router::PrivacyClass::redact);
  auto blocked = asking("Email jane.doe@example.com");
  auto r = run(PrivacyScanStage(scanner(), "block"), blocked);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 403);
  EXPECT_EQ(r.error().type, "privacy_policy");
  EXPECT_EQ(r.error().message.find("jane"), std::string::npos);
}

TEST(PrivacyScanStage, WithoutAScannerEveryRequestIsSensitive) {
  PrivacyScanStage stage(nullptr, "local_only");
  auto s = asking("hello");
  ASSERT_TRUE(run(stage, s).ok());
  EXPECT_TRUE(s.privacy.sensitive);
  EXPECT_TRUE(s.privacy.scan_failed);
  EXPECT_EQ(s.privacy.privacy, router::PrivacyClass::local_only);
}

// A verdict of the line model alone has no span to replace: under the redact policy the request
// stays in-house rather than going to a cloud target as it is. The reason and the judge say so.
TEST(PrivacyScanStage, TheLineModelsVerdictStaysLocalEvenUnderRedact) {
  privacy::ScannerOptions options;
  options.line_model = privacy::embedded_line_model();
  ASSERT_NE(options.line_model, nullptr);
  auto judged = privacy::Scanner::create(options);
  ASSERT_TRUE(judged);
  auto s = asking("李娜月薪18500，五险一金按上海标准扣完税后大概多少？");  // a name no list holds, pay as a number
  ASSERT_TRUE(run(PrivacyScanStage(*judged, "redact"), s).ok());
  EXPECT_TRUE(s.privacy.sensitive);
  EXPECT_TRUE(s.findings.empty());
  EXPECT_EQ(s.privacy.privacy, router::PrivacyClass::local_only);
  EXPECT_EQ(s.privacy.because.rfind("line model ", 0), 0u) << s.privacy.because;
  EXPECT_EQ(s.record.privacy_judge, "line_model");
  auto clean = asking("What is a good name for a cat?");
  ASSERT_TRUE(run(PrivacyScanStage(*judged, "redact"), clean).ok());
  EXPECT_FALSE(clean.privacy.sensitive);
  EXPECT_GE(clean.privacy.model_score, 0.0f);
  EXPECT_TRUE(clean.record.privacy_judge.empty());
}

}  // namespace
}  // namespace sy::pipeline
