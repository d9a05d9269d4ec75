// The canary split: a share of callers, the same callers every time, independently per model.
#include <gtest/gtest.h>

#include <string>

#include "ops/traffic_share.h"

namespace sy::ops {
namespace {

int count_in_share(const std::string& scope, double percent, int callers) {
  int n = 0;
  for (int i = 0; i < callers; ++i) n += in_share(scope, "user:" + std::to_string(i), percent);
  return n;
}

TEST(TrafficShare, SplitsTenThousandCallersWithinThreePercent) {
  for (double percent : {1.0, 5.0, 10.0, 25.0, 50.0, 90.0}) {
    int n = count_in_share("faq-local", percent, 10'000);
    EXPECT_NEAR(n, percent * 100, 300) << percent << "%";
  }
}

TEST(TrafficShare, IsStickyAndGrowsMonotonically) {
  for (int i = 0; i < 1000; ++i) {
    auto caller = "key:team-" + std::to_string(i);
    bool at10 = in_share("m", caller, 10);
    EXPECT_EQ(at10, in_share("m", caller, 10));  // same answer every time
    // Raising the share only adds callers: nobody in the canary at 10% leaves it at 20%.
    if (at10) EXPECT_TRUE(in_share("m", caller, 20));
  }
}

TEST(TrafficShare, EdgesAndScopes) {
  EXPECT_FALSE(in_share("m", "x", 0));
  EXPECT_TRUE(in_share("m", "x", 100));
  // Different models pick different callers (else one unlucky caller is in every canary).
  int both = 0, a = 0;
  for (int i = 0; i < 10'000; ++i) {
    auto c = std::to_string(i);
    bool in_a = in_share("model-a", c, 10);
    a += in_a;
    both += in_a && in_share("model-b", c, 10);
  }
  EXPECT_NEAR(both, a / 10, 100);
}

}  // namespace
}  // namespace sy::ops
