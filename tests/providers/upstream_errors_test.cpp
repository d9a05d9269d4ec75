#include "providers/upstream_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sy::providers {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MapUpstreamStatus, RateLimitKeepsRetryAfter) {
  auto e = map_upstream_status(429, "Rate limit reached", "7");
  EXPECT_EQ(e.status, 429);
  EXPECT_EQ(e.type, "rate_limit_error");
  EXPECT_EQ(e.code, "rate_limit_exceeded");
  ASSERT_TRUE(e.retry_after_s.has_value());
  EXPECT_EQ(*e.retry_after_s, 7);
  EXPECT_EQ(e.upstream_status, 429);
  // The upstream's words name the gateway's own account: withheld from the client.
  EXPECT_EQ(e.message, "The upstream is rate limiting requests; retry later.");
}

TEST(MapUpstreamStatus, RateLimitWithoutUsableRetryAfter) {
  EXPECT_FALSE(map_upstream_status(429, "", "").retry_after_s.has_value());
  EXPECT_FALSE(map_upstream_status(429, "", "Wed, 21 Oct 2015 07:28:00 GMT").retry_after_s.has_value());
  EXPECT_FALSE(map_upstream_status(429, "", "-3").retry_after_s.has_value());
  EXPECT_EQ(map_upstream_status(429, "", "0").retry_after_s, std::optional<int>(0));
  EXPECT_EQ(map_upstream_status(429, "", "").message, "The upstream is rate limiting requests; retry later.");
}

TEST(MapUpstreamStatus, ServerErrorsAreBadGatewayWithoutTheUpstreamsWords) {
  for (int status : {500, 502}) {
    auto e = map_upstream_status(status, "overloaded", "");
    EXPECT_EQ(e.status, 502) << status;
    EXPECT_EQ(e.type, "upstream_error");
    EXPECT_EQ(e.code, "bad_gateway");
    EXPECT_EQ(e.upstream_status, status);
    EXPECT_EQ(e.message, "The upstream failed (" + std::to_string(status) + ").");
    EXPECT_EQ(e.upstream_message, "overloaded");  // for the operator's log, scrubbed there
    EXPECT_FALSE(e.retry_after_s.has_value());
  }
}

TEST(MapUpstreamStatus, UnavailableStaysUnavailable) {
  auto e = map_upstream_status(503, "maintenance", "12");
  EXPECT_EQ(e.status, 503);
  EXPECT_EQ(e.type, "service_unavailable");
  EXPECT_EQ(e.retry_after_s, std::optional<int>(12));
  EXPECT_EQ(e.message, "The upstream is unavailable (503).");
}

TEST(MapUpstreamStatus, CredentialFailuresAreBadGatewayWithoutTheUpstreamsWords) {
  for (int status : {401, 403}) {
    auto e = map_upstream_status(status, "Incorrect API key provided: sk-proj-****abcd", "");
    EXPECT_EQ(e.status, 502) << status;
    EXPECT_EQ(e.type, "upstream_error");
    EXPECT_EQ(e.upstream_status, status);
    EXPECT_EQ(e.message, "The upstream refused this gateway's credentials (" + std::to_string(status) + ").");
    EXPECT_THAT(e.message, Not(HasSubstr("sk-proj")));
    EXPECT_THAT(e.message, Not(HasSubstr("API key")));
  }
}

TEST(MapUpstreamStatus, ClientErrorsKeepTheUpstreamsWordsApart) {
  auto e = map_upstream_status(400, "Invalid 'messages[0].content': string too long.", "");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.type, "invalid_request_error");
  EXPECT_EQ(e.upstream_status, 400);
  EXPECT_EQ(e.message, "The upstream rejected the request (400)");
  EXPECT_EQ(e.upstream_message, "Invalid 'messages[0].content': string too long.");

  EXPECT_EQ(map_upstream_status(404, "no such model", "").status, 400);
  EXPECT_EQ(map_upstream_status(422, "", "").message, "The upstream rejected the request (422)");
}

TEST(MapUpstreamStatus, TimeoutsAreGatewayTimeout) {
  for (int status : {504, 408}) {
    auto e = map_upstream_status(status, "", "");
    EXPECT_EQ(e.status, 504) << status;
    EXPECT_EQ(e.type, "upstream_error");
    EXPECT_EQ(e.code, "upstream_timeout");
    EXPECT_EQ(e.upstream_status, status);
    EXPECT_EQ(e.message, "The upstream timed out (" + std::to_string(status) + ").");
  }
}

TEST(MapUpstreamStatus, AnythingElseIsBadGateway) {
  auto e = map_upstream_status(418, "teapot", "");
  EXPECT_EQ(e.status, 502);
  EXPECT_EQ(e.upstream_status, 418);
}

}  // namespace
}  // namespace sy::providers
