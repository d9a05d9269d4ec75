#include "ops/drift/drift_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sy::ops::drift {

std::vector<double> proportions(std::span<const double> counts) {
  double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  std::vector<double> p(counts.begin(), counts.end());
  if (total > 0) {
    for (auto& x : p) x /= total;
  }
  return p;
}

double psi(std::span<const double> reference, std::span<const double> current) {
  auto r = proportions(reference);
  auto c = proportions(current);
  double sum = 0;
  for (size_t i = 0; i < r.size() && i < c.size(); ++i) {
    double a = std::max(r[i], kPsiFloor);
    double b = std::max(c[i], kPsiFloor);
    sum += (b - a) * std::log(b / a);
  }
  return sum;
}

double js_distance(std::span<const double> reference, std::span<const double> current) {
  auto p = proportions(reference);
  auto q = proportions(current);
  double divergence = 0;
  for (size_t i = 0; i < p.size() && i < q.size(); ++i) {
    double m = (p[i] + q[i]) / 2;
    if (p[i] > 0) divergence += 0.5 * p[i] * std::log(p[i] / m);
    if (q[i] > 0) divergence += 0.5 * q[i] * std::log(q[i] / m);
  }
  return std::sqrt(std::max(0.0, divergence));
}

double kolmogorov_q(double lambda) {
  if (lambda < 0.2) return 1;  // the series converges slowly there, and Q is 1 to 1e-9
  double sum = 0;
  for (int k = 1; k <= 100; ++k) {
    double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-12) break;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}

KsResult ks_two_sample(std::vector<double> reference, std::vector<double> current) {
  KsResult out;
  if (reference.empty() || current.empty()) return out;
  std::sort(reference.begin(), reference.end());
  std::sort(current.begin(), current.end());
  const double n = static_cast<double>(reference.size());
  const double m = static_cast<double>(current.size());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < reference.size() && j < current.size()) {
    // Step past every copy of the smallest value in both samples before comparing (ties).
    double v = std::min(reference[i], current[j]);
    while (i < reference.size() && reference[i] == v) ++i;
    while (j < current.size() && current[j] == v) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  out.statistic = d;
  double en = std::sqrt(n * m / (n + m));
  out.p_value = kolmogorov_q((en + 0.12 + 0.11 / en) * d);
  return out;
}

std::vector<double> quantile_edges(std::vector<double> reference, int bins) {
  std::vector<double> edges;
  if (reference.empty() || bins < 2) return edges;
  std::sort(reference.begin(), reference.end());
  for (int b = 1; b < bins; ++b) {
    auto at = static_cast<size_t>(static_cast<double>(b) * static_cast<double>(reference.size()) / bins);
    double e = reference[std::min(at, reference.size() - 1)];
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  // The largest value as an edge would only make an empty last bin.
  if (!edges.empty() && edges.back() >= reference.back()) edges.pop_back();
  return edges;
}

std::vector<double> bin_counts(std::span<const double> values, std::span<const double> edges) {
  std::vector<double> counts(edges.size() + 1, 0.0);
  for (double v : values) {
    auto bin = static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin());
    counts[bin] += 1;
  }
  return counts;
}

double roc_auc(std::span<const double> negatives, std::span<const double> positives) {
  if (negatives.empty() || positives.empty()) return 0.5;
  std::vector<std::pair<double, int>> all;
  all.reserve(negatives.size() + positives.size());
  for (double s : negatives) all.emplace_back(s, 0);
  for (double s : positives) all.emplace_back(s, 1);
  std::sort(all.begin(), all.end());
  // Rank sum of the positives, ties given their average rank.
  double rank_sum = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) rank_sum += all[k].second ? avg_rank : 0;
    i = j;
  }
  const double n_pos = static_cast<double>(positives.size());
  const double n_neg = static_cast<double>(negatives.size());
  return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg);
}

}  // namespace sy::ops::drift
