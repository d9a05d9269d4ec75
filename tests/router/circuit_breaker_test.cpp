#include "router/circuit_breaker.h"

#include <gtest/gtest.h>

namespace sy::router {
namespace {

using namespace std::chrono_literals;

TEST(CircuitBreaker, OpensAfterTheThresholdOfFailuresInARow) {
  CircuitBreaker b(3, 10s);
  auto t = CircuitBreaker::Clock::now();
  b.record_failure(t);
  b.record_failure(t);
  b.record_success();  // the run is broken
  b.record_failure(t);
  b.record_failure(t);
  EXPECT_TRUE(b.allow(t));
  b.record_failure(t);
  EXPECT_TRUE(b.open(t));
  EXPECT_FALSE(b.allow(t + 5s));
}

TEST(CircuitBreaker, HalfOpenLetsOneProbeThroughAndASuccessCloses) {
  CircuitBreaker b(1, 10s);
  auto t = CircuitBreaker::Clock::now();
  b.record_failure(t);
  EXPECT_TRUE(b.allow(t + 11s));   // the probe
  EXPECT_FALSE(b.allow(t + 11s));  // only one at a time
  b.record_success();
  EXPECT_TRUE(b.allow(t + 12s));
  EXPECT_FALSE(b.open(t + 12s));
}

TEST(CircuitBreaker, AFailedProbeOpensAgain) {
  CircuitBreaker b(1, 10s);
  auto t = CircuitBreaker::Clock::now();
  b.record_failure(t);
  EXPECT_TRUE(b.allow(t + 11s));
  b.record_failure(t + 11s);
  EXPECT_TRUE(b.open(t + 12s));
  EXPECT_FALSE(b.allow(t + 12s));
}

}  // namespace
}  // namespace sy::router
