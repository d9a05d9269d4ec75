// The drift statistics against values worked out by hand (the arithmetic is in each comment).
#include "ops/drift/drift_stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sy::ops::drift {
namespace {

TEST(DriftStats, PsiOfTwoBins) {
  // 50/50 → 25/75: (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.17329 + 0.10137
  std::vector<double> ref{50, 50}, cur{25, 75};
  EXPECT_NEAR(psi(ref, cur), 0.274653, 1e-6);
  EXPECT_NEAR(psi(ref, ref), 0.0, 1e-12);
}

TEST(DriftStats, PsiFloorsEmptyBins) {
  // An empty current bin counts as 1e-4, not 0: (1e-4 − 0.5)·ln(1e-4/0.5) + (1 − 0.5)·ln(1/0.5)
  std::vector<double> ref{1, 1}, cur{0, 4};
  double expected = (1e-4 - 0.5) * std::log(1e-4 / 0.5) + 0.5 * std::log(2.0);
  EXPECT_NEAR(psi(ref, cur), expected, 1e-9);
  EXPECT_TRUE(std::isfinite(psi(ref, cur)));
}

TEST(DriftStats, JensenShannonDistance) {
  // p = (0.5, 0.5), q = (0.25, 0.75), m = (0.375, 0.625):
  // ½[0.5 ln(0.5/0.375) + 0.5 ln(0.5/0.625)] + ½[0.25 ln(0.25/0.375) + 0.75 ln(0.75/0.625)] = 0.033822
  std::vector<double> p{2, 2}, q{1, 3};
  EXPECT_NEAR(js_distance(p, q), std::sqrt(0.0338220), 1e-5);
  EXPECT_NEAR(js_distance(p, q), 0.183908, 1e-5);
  // Disjoint: the divergence is ln 2, its square root the largest distance.
  std::vector<double> a{1, 0}, b{0, 1};
  EXPECT_NEAR(js_distance(a, b), std::sqrt(std::log(2.0)), 1e-12);
  EXPECT_NEAR(js_distance(p, p), 0.0, 1e-12);
}

TEST(DriftStats, KolmogorovDistribution) {
  // The classic 5% point of Kolmogorov's distribution is λ ≈ 1.358.
  EXPECT_NEAR(kolmogorov_q(1.36), 0.0495, 5e-4);
  EXPECT_NEAR(kolmogorov_q(0.1), 1.0, 1e-12);
  EXPECT_LT(kolmogorov_q(3.0), 1e-6);
}

TEST(DriftStats, KsTwoSample) {
  // F_ref − F_cur is largest at x = 2 (and 4): 2/4 − 0/4 = 0.5. λ = (√2 + 0.12 + 0.11/√2)·0.5 = 0.806,
  // Q(0.806) = 0.534.
  auto r = ks_two_sample({1, 2, 3, 4}, {3, 4, 5, 6});
  EXPECT_DOUBLE_EQ(r.statistic, 0.5);
  EXPECT_NEAR(r.p_value, 0.5344, 1e-3);
  auto same = ks_two_sample({1, 2, 3}, {3, 2, 1});
  EXPECT_DOUBLE_EQ(same.statistic, 0.0);
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);
  // Ties across the samples are stepped over together: {0,0,1} vs {0,1,1}: at 0, 2/3 − 1/3.
  EXPECT_NEAR(ks_two_sample({0, 0, 1}, {0, 1, 1}).statistic, 1.0 / 3, 1e-12);
  // Far apart and many: a tiny p-value.
  std::vector<double> low, high;
  for (int i = 0; i < 200; ++i) {
    low.push_back(i);
    high.push_back(i + 150);
  }
  auto apart = ks_two_sample(low, high);
  EXPECT_DOUBLE_EQ(apart.statistic, 0.75);
  EXPECT_LT(apart.p_value, 1e-20);
}

TEST(DriftStats, QuantileEdgesAndBins) {
  // 1..10 in 5 bins: edges at the values at positions 2, 4, 6, 8 (0-based) = 3, 5, 7, 9.
  std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  auto edges = quantile_edges(v, 5);
  ASSERT_EQ(edges, (std::vector<double>{3, 5, 7, 9}));
  // v <= 3 | <= 5 | <= 7 | <= 9 | > 9
  EXPECT_EQ(bin_counts(v, edges), (std::vector<double>{3, 2, 2, 2, 1}));
  // A value repeated across quantiles makes one edge, not empty bins: positions 2, 4, 6, 8 hold
  // 1, 1, 1, 2 → edges 1 and 2, bins of 8, 1 and 1.
  std::vector<double> ties{1, 1, 1, 1, 1, 1, 1, 1, 2, 3};
  auto tie_edges = quantile_edges(ties, 5);
  EXPECT_EQ(tie_edges, (std::vector<double>{1, 2}));
  EXPECT_EQ(bin_counts(ties, tie_edges), (std::vector<double>{8, 1, 1}));
}

TEST(DriftStats, RocAuc) {
  // Pairs (neg, pos): (0.1, 0.35) yes, (0.4, 0.35) no, (0.1, 0.8) yes, (0.4, 0.8) yes → 3/4.
  std::vector<double> neg{0.1, 0.4}, pos{0.35, 0.8};
  EXPECT_DOUBLE_EQ(roc_auc(neg, pos), 0.75);
  std::vector<double> one{1}, other{1};
  EXPECT_DOUBLE_EQ(roc_auc(one, other), 0.5);  // a tie counts half
  EXPECT_DOUBLE_EQ(roc_auc(pos, neg), 0.25);
}

}  // namespace
}  // namespace sy::ops::drift
