#pragma once
// The statistics drift is judged by, as functions of two samples (a reference and a current
// window). Pure and allocation-light; called when drift is evaluated, never on the request path.
//
//   PSI  Population Stability Index, Σ (c − r) · ln(c / r) over bins, each proportion floored at
//        kPsiFloor so an empty bin is finite. 0 = the same; 0.1 and 0.2 are the usual bands.
//   JS   Jensen–Shannon distance, sqrt of the JS divergence with natural logarithms (scipy's
//        `jensenshannon` and Evidently's `jensenshannon` stattest), 0..sqrt(ln 2) ≈ 0.83.
//   KS   two-sample Kolmogorov–Smirnov: D = sup |F_ref − F_cur| and its asymptotic p-value
//        (Kolmogorov's distribution at sqrt(n·m/(n+m))·D, Stephens' small-sample correction).
//   AUC  ROC AUC of scores that should be higher for the current window (Mann–Whitney U over
//        n·m, ties counted half): 0.5 = the two cannot be told apart.
#include <cstdint>
#include <span>
#include <vector>

namespace sy::ops::drift {

inline constexpr double kPsiFloor = 1e-4;

// Proportions of counts (all zero stays all zero).
std::vector<double> proportions(std::span<const double> counts);

// Both arguments are counts per bin (same length); they are normalised here.
double psi(std::span<const double> reference, std::span<const double> current);
double js_distance(std::span<const double> reference, std::span<const double> current);

struct KsResult {
  double statistic = 0;  // D
  double p_value = 1;
};
// Takes copies: both samples are sorted.
KsResult ks_two_sample(std::vector<double> reference, std::vector<double> current);
// Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}, the probability that D·sqrt(n_eff) exceeds λ.
double kolmogorov_q(double lambda);

// Bin edges for PSI: the reference's quantiles at 1/bins, 2/bins, ... (duplicates dropped, so a
// value repeated across a quantile does not make empty bins). A value v falls in the first bin
// whose edge is >= v, the last bin past every edge.
std::vector<double> quantile_edges(std::vector<double> reference, int bins);
// Counts of `values` per bin of `edges` (edges.size() + 1 bins).
std::vector<double> bin_counts(std::span<const double> values, std::span<const double> edges);

// AUC of scores of the negative class (reference) against the positive class (current).
double roc_auc(std::span<const double> negatives, std::span<const double> positives);

}  // namespace sy::ops::drift
