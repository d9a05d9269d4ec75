#include "pipeline/execute/failure_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sy::pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(FailureSummary, NamesEachTargetWithAShortReasonAndNoUpstreamWords) {
  auto refused = core::Error::upstream("The upstream failed to connect.");
  refused.cause = "connection refused";
  refused.upstream_message = "10.0.0.7:443: Connection refused";
  auto busy = core::Error::unavailable("The upstream is unavailable (503).");
  busy.upstream_status = 503;
  auto slow = core::Error::upstream_timeout("The upstream timed out (504).");
  FailureSummary s;
  s.skipped("nokey", "unconfigured: no API key");
  s.failed("a", busy);
  s.failed("b", refused);
  s.failed("c", slow);
  auto e = s.apply(refused);
  EXPECT_EQ(e.status, 502);
  EXPECT_EQ(e.message,
            "The upstream failed to connect. Every target failed: nokey (unconfigured: no API key), a (503 from upstream), "
            "b (connection refused), c (timeout).");
  EXPECT_THAT(e.message, Not(HasSubstr("10.0.0.7")));
}

TEST(FailureSummary, OneTargetKeepsItsOwnWords) {
  FailureSummary s;
  auto e = core::Error::unavailable("The upstream is unavailable (503).");
  e.upstream_status = 503;
  s.failed("only", e);
  EXPECT_EQ(s.apply(e).message, "The upstream is unavailable (503).");
}

TEST(FailureSummary, UnconfiguredTargetsSayWhatIsMissing) {
  auto e = core::Error::unavailable("unconfigured: no API key");
  e.code = "unconfigured";
  EXPECT_EQ(short_reason(e), "unconfigured: no API key");
}

}  // namespace
}  // namespace sy::pipeline
