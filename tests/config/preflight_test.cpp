// check-config's checks beyond syntax: model files that are GGUF, files that exist, and cloud
// targets with credentials.
#include "config/preflight.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/credentials.h"
#include "ops/audit_test_support.h"

namespace sy::config {
namespace {

using ::testing::HasSubstr;

ModelConfig cloud(ProviderKind kind, std::string api_key) {
  ModelConfig m;
  m.name = "c";
  m.provider = kind;
  m.api_key = std::move(api_key);
  return m;
}

TEST(Credentials, HostedApisNeedAKeySelfHostedOnesDoNot) {
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::openai, "")), "no API key");
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::anthropic, "")), "no API key");
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::gemini, "")), "no API key");
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::azure, "")), "no API key");
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::openai, "sk-x")), "");
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::openai_compat, "")), "");
  EXPECT_EQ(missing_credentials(cloud(ProviderKind::local, "")), "");
}

TEST(Credentials, BedrockTakesTheAwsEnvironmentToo) {
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  auto m = cloud(ProviderKind::bedrock, "");
  EXPECT_EQ(missing_credentials(m), "no AWS credentials");
  m.access_key_id = "AKIA";
  m.secret_access_key = "secret";
  EXPECT_EQ(missing_credentials(m), "");
  m.access_key_id.clear();
  ::setenv("AWS_ACCESS_KEY_ID", "AKIA", 1);
  EXPECT_EQ(missing_credentials(m), "");
  ::unsetenv("AWS_ACCESS_KEY_ID");
}

TEST(Preflight, AMissingOrForeignModelFileIsAnError) {
  testing::TempDir dir("switchyard-preflight");
  std::ofstream(dir.file("good.gguf"), std::ios::binary) << "GGUF\x03\x00\x00\x00rest";
  std::ofstream(dir.file("bad.gguf"), std::ios::binary) << "<html>not a model</html>";
  EXPECT_EQ(gguf_problem(dir.file("good.gguf")), "");
  EXPECT_THAT(gguf_problem(dir.file("bad.gguf")), HasSubstr("is not a GGUF file"));
  EXPECT_THAT(gguf_problem(dir.file("none.gguf")), HasSubstr("does not exist"));
  EXPECT_THAT(gguf_problem(dir.file("")), HasSubstr("is a directory"));

  Config cfg;
  cfg.prices.clear();
  for (const char* file : {"good.gguf", "bad.gguf", "none.gguf"}) {
    ModelConfig m;
    m.name = file;
    m.provider = ProviderKind::local;
    m.path = dir.file(file);
    cfg.models.push_back(m);
  }
  auto checked = preflight(cfg);
  ASSERT_EQ(checked.errors.size(), 2u);
  EXPECT_THAT(checked.errors[0], HasSubstr("model 'bad.gguf'"));
  EXPECT_THAT(checked.errors[1], HasSubstr("model 'none.gguf'"));
  EXPECT_TRUE(checked.warnings.empty());
}

TEST(Preflight, ACloudTargetWithoutCredentialsIsAWarningNamingIt) {
  Config cfg;
  cfg.prices.clear();
  cfg.models.push_back(cloud(ProviderKind::openai, ""));
  cfg.models.back().name = "cloud-fast";
  cfg.models.push_back(cloud(ProviderKind::openai, "sk-set"));
  auto checked = preflight(cfg);
  EXPECT_TRUE(checked.errors.empty());
  ASSERT_EQ(checked.warnings.size(), 1u);
  EXPECT_THAT(checked.warnings[0], HasSubstr("'cloud-fast'"));
  EXPECT_THAT(checked.warnings[0], HasSubstr("no API key"));
}

TEST(Preflight, OtherNamedFilesMustExist) {
  Config cfg;
  cfg.prices.clear();
  cfg.faq.file = "/nonexistent/faq.jsonl";
  cfg.dictionaries = {"/nonexistent/words.txt"};
  auto checked = preflight(cfg);
  ASSERT_EQ(checked.errors.size(), 2u);
  EXPECT_THAT(checked.errors[0], HasSubstr("faq.file"));
  EXPECT_THAT(checked.errors[1], HasSubstr("privacy.dictionaries"));
}

}  // namespace
}  // namespace sy::config
