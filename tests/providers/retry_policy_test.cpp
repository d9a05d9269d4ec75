#include "providers/retry_policy.h"

#include <gtest/gtest.h>

namespace sy::providers {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicy, RetriesOverloadAndServerErrorsButNotClientErrorsOrALocalQueue) {
  EXPECT_TRUE(retryable(core::Error::rate_limited("slow down", std::nullopt)));
  EXPECT_TRUE(retryable(core::Error::upstream("reset")));
  EXPECT_TRUE(retryable(core::Error::upstream_timeout("late")));
  EXPECT_FALSE(retryable(core::Error::invalid_request("bad")));
  EXPECT_FALSE(retryable(core::Error::authentication("who")));
  auto local = core::Error::rate_limited("busy", 1);
  local.code = "local_queue_full";
  EXPECT_FALSE(retryable(local));
}

TEST(RetryPolicy, BackoffGrowsWithJitterUnderTheCap) {
  RetryPolicy p{6, 100ms, 1000ms};
  std::mt19937_64 rng(1);
  auto e = core::Error::upstream("reset");
  for (int attempt = 1; attempt <= 5; ++attempt) {
    int64_t ceiling = std::min<int64_t>(100 << (attempt - 1), 1000);
    int64_t max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      auto d = retry_delay(p, e, attempt, 60s, rng);
      ASSERT_TRUE(d);
      EXPECT_LE(d->count(), ceiling);
      max_seen = std::max<int64_t>(max_seen, d->count());
    }
    EXPECT_GT(max_seen, ceiling / 2);  // the draws spread over the range
  }
  EXPECT_FALSE(retry_delay(p, e, 6, 60s, rng));  // out of attempts
}

TEST(RetryPolicy, RetryAfterIsHonoredAndTheDeadlineWins) {
  RetryPolicy p;
  std::mt19937_64 rng(2);
  auto e = core::Error::rate_limited("slow down", 2);
  auto d = retry_delay(p, e, 1, 10s, rng);
  ASSERT_TRUE(d);
  EXPECT_GE(*d, 2000ms);
  EXPECT_FALSE(retry_delay(p, e, 1, 1500ms, rng));  // would end after the deadline
}

}  // namespace
}  // namespace sy::providers
