#include "providers/credential_scrub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sy::providers {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

config::ModelConfig target_with_key(std::string key) {
  config::ModelConfig m;
  m.name = "cloud";
  m.api_key = std::move(key);
  m.headers["OpenAI-Organization"] = "org-Zq8M2xkTu77PqLs";
  return m;
}

TEST(CredentialScrub, EchoedHeadersLoseTheirValues) {
  const std::string key = "sk-live-4f9a8b7c6d5e4f3a2b1c";
  auto s = scrub_credentials("Bad request. Headers were: Authorization: Bearer " + key +
                                 "\nOpenAI-Organization: org-Zq8M2xkTu77PqLs\nContent-Type: application/json",
                             secrets_of(target_with_key(key)));
  EXPECT_THAT(s, Not(HasSubstr(key)));
  EXPECT_THAT(s, Not(HasSubstr("4f9a8b7c")));
  EXPECT_THAT(s, Not(HasSubstr("Zq8M2xkTu77")));
  EXPECT_THAT(s, HasSubstr("Content-Type: application/json"));  // the rest of the words stay
  EXPECT_THAT(s, HasSubstr("Bad request."));
}

TEST(CredentialScrub, JsonEchoesAndUnknownKeysOfKnownShapes) {
  // A key this gateway does not know (another target's, a proxy's) is caught by its shape.
  auto s = scrub_credentials(R"({"headers":{"authorization":"Bearer abc.def-123456","x-api-key":"k-9988776655"}} )"
                             "also sk-ant-api03-AbCdEf012345 and AKIAIOSFODNN7EXAMPLE",
                             {});
  EXPECT_THAT(s, Not(HasSubstr("abc.def-123456")));
  EXPECT_THAT(s, Not(HasSubstr("9988776655")));
  EXPECT_THAT(s, Not(HasSubstr("AbCdEf012345")));
  EXPECT_THAT(s, Not(HasSubstr("IOSFODNN7")));
}

TEST(CredentialScrub, PartialEchoesOfTheConfiguredKey) {
  const std::string key = "xk_9f8e7d6c5b4a3928171615";
  auto secrets = secrets_of(target_with_key(key));
  EXPECT_THAT(scrub_credentials("Incorrect API key provided: xk_9f8e7d6c5b4a****", secrets), Not(HasSubstr("9f8e7d6c")));
  EXPECT_THAT(scrub_credentials("key ending in ...5b4a3928171615 is revoked", secrets), Not(HasSubstr("3928171615")));
}

TEST(CredentialScrub, OrdinaryMessagesAreUntouched) {
  const std::string text = "Invalid 'messages[0].content': string too long. Expected at most 1048576 characters.";
  EXPECT_EQ(scrub_credentials(text, secrets_of(target_with_key("sk-live-4f9a8b7c6d5e4f3a2b1c"))), text);
}

TEST(CredentialScrub, SettledWordsReachTheClientOnlyForItsOwnMistakes) {
  auto target = target_with_key("sk-live-4f9a8b7c6d5e4f3a2b1c");
  core::Error bad = core::Error::invalid_request("The upstream rejected the request (400)");
  bad.upstream_message = "bad field 'x'; you sent Authorization: Bearer sk-live-4f9a8b7c6d5e4f3a2b1c";
  settle_upstream_words(bad, target);
  EXPECT_THAT(bad.message, HasSubstr("bad field 'x'"));
  EXPECT_THAT(bad.message, Not(HasSubstr("4f9a8b7c")));
  EXPECT_TRUE(bad.upstream_message.empty());

  core::Error failed = core::Error::upstream("The upstream failed (500).");
  failed.upstream_message = "stack trace at 10.0.0.7:8443";
  settle_upstream_words(failed, target);
  EXPECT_EQ(failed.message, "The upstream failed (500).");
  EXPECT_TRUE(failed.upstream_message.empty());
}

}  // namespace
}  // namespace sy::providers
