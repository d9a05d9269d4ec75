#include "ops/drift/drift_evaluate.h"

#include <algorithm>
#include <cmath>

#include "ops/drift/drift_stats.h"

namespace sy::ops::drift {

namespace {

constexpr double kNbSmoothing = 0.5;  // additive smoothing of the term counts

template <class Get>
std::vector<double> values_of(const std::vector<Sample>& samples, Get get) {
  std::vector<double> out;
  out.reserve(samples.size());
  for (const auto& s : samples) {
    float v = get(s);
    if (present(v)) out.push_back(v);
  }
  return out;
}

template <class Get>
std::vector<double> category_counts(const std::vector<Sample>& samples, size_t categories, Get get) {
  std::vector<double> counts(categories, 0.0);
  for (const auto& s : samples) counts[std::min(static_cast<size_t>(get(s)), categories - 1)] += 1;
  return counts;
}

State judge_above(double value, double warning, double drift) {
  if (value >= drift) return State::drift;
  if (value >= warning) return State::warning;
  return State::ok;
}
State judge_below(double value, double warning, double drift) {
  if (value <= drift) return State::drift;
  if (value <= warning) return State::warning;
  return State::ok;
}

struct Judge {
  const config::DriftConfig& config;
  int64_t min_samples() const { return config.min_samples; }

  void psi_numeric(SignalStatus& st, std::vector<double> ref, std::vector<double> cur) const {
    st.warning = config.thresholds.psi_warning;
    st.drift = config.thresholds.psi_drift;
    st.reference_n = static_cast<int64_t>(ref.size());
    st.current_n = static_cast<int64_t>(cur.size());
    if (st.reference_n < min_samples() || st.current_n < min_samples()) return;
    auto edges = quantile_edges(ref, config.psi_bins);
    st.value = psi(bin_counts(ref, edges), bin_counts(cur, edges));
    st.state = judge_above(st.value, st.warning, st.drift);
  }
  void js(SignalStatus& st, const std::vector<double>& ref, const std::vector<double>& cur, int64_t ref_n, int64_t cur_n) const {
    st.warning = config.thresholds.js_warning;
    st.drift = config.thresholds.js_drift;
    st.reference_n = ref_n;
    st.current_n = cur_n;
    if (ref_n < min_samples() || cur_n < min_samples()) return;
    st.value = js_distance(ref, cur);
    st.state = judge_above(st.value, st.warning, st.drift);
  }
  void ks(SignalStatus& st, std::vector<double> ref, std::vector<double> cur) const {
    st.warning = config.thresholds.ks_warning;
    st.drift = config.thresholds.ks_drift;
    st.reference_n = static_cast<int64_t>(ref.size());
    st.current_n = static_cast<int64_t>(cur.size());
    st.value = 1;
    // KS's p-value already accounts for few samples: ratings, which are sparse, need fewer.
    if (st.reference_n < config.min_feedback || st.current_n < config.min_feedback) return;
    auto r = ks_two_sample(std::move(ref), std::move(cur));
    st.value = r.p_value;
    st.ks_d = r.statistic;
    st.state = judge_below(st.value, st.warning, st.drift);
  }
  void auc(SignalStatus& st, const Samples& s) const {
    st.warning = config.thresholds.auc_warning;
    st.drift = config.thresholds.auc_drift;
    st.reference_n = static_cast<int64_t>(s.reference.size());
    st.current_n = static_cast<int64_t>(s.current.size());
    st.value = 0.5;
    if (st.reference_n < min_samples() || st.current_n < min_samples()) return;
    st.value = domain_auc(s.reference, s.current);
    st.state = judge_above(st.value, st.warning, st.drift);
  }
};

std::vector<double> as_doubles(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// Term counts of every other sample (those whose index has parity `fold`) of one side.
void count_terms(const std::vector<Sample>& samples, size_t fold, std::vector<double>& counts, double& total) {
  for (size_t i = fold; i < samples.size(); i += 2) {
    const auto& t = samples[i].text;
    for (size_t k = 0; k < t.terms_n; ++k) counts[t.terms[k]] += 1;
    total += t.terms_n;
  }
}

}  // namespace

double domain_auc(const std::vector<Sample>& reference, const std::vector<Sample>& current) {
  std::vector<double> negatives, positives;
  negatives.reserve(reference.size());
  positives.reserve(current.size());
  std::vector<double> ref_counts(kTermBuckets), cur_counts(kTermBuckets), log_ratio(kTermBuckets);
  for (size_t train = 0; train < 2; ++train) {
    std::fill(ref_counts.begin(), ref_counts.end(), 0.0);
    std::fill(cur_counts.begin(), cur_counts.end(), 0.0);
    double ref_total = 0, cur_total = 0;
    count_terms(reference, train, ref_counts, ref_total);
    count_terms(current, train, cur_counts, cur_total);
    const double v = kTermBuckets * kNbSmoothing;
    for (size_t b = 0; b < kTermBuckets; ++b) {
      log_ratio[b] = std::log((cur_counts[b] + kNbSmoothing) / (cur_total + v)) -
                     std::log((ref_counts[b] + kNbSmoothing) / (ref_total + v));
    }
    // The held-out half of each side: how much more "current" each sample's terms look.
    auto score = [&](const Sample& s) {
      double sum = 0;
      for (size_t k = 0; k < s.text.terms_n; ++k) sum += log_ratio[s.text.terms[k]];
      return sum;
    };
    for (size_t i = 1 - train; i < reference.size(); i += 2) negatives.push_back(score(reference[i]));
    for (size_t i = 1 - train; i < current.size(); i += 2) positives.push_back(score(current[i]));
  }
  return roc_auc(negatives, positives);
}

std::vector<SignalStatus> evaluate(const Samples& s, bool reference_complete, const config::DriftConfig& config) {
  std::vector<SignalStatus> out;
  out.reserve(kSignals);
  Judge judge{config};
  const auto ref_n = static_cast<int64_t>(s.reference.size());
  const auto cur_n = static_cast<int64_t>(s.current.size());
  auto binary = [&](SignalStatus& st, auto get) {
    auto r = category_counts(s.reference, 2, get);
    auto c = category_counts(s.current, 2, get);
    judge.js(st, r, c, ref_n, cur_n);
  };
  for (const auto& info : signals()) {
    SignalStatus st;
    st.signal = info.signal;
    st.name = info.name;
    st.statistic = info.statistic;
    switch (info.signal) {
      case Signal::prompt_tokens:
        judge.psi_numeric(st, values_of(s.reference, [](const Sample& x) { return x.prompt_tokens; }),
                          values_of(s.current, [](const Sample& x) { return x.prompt_tokens; }));
        break;
      case Signal::script_mix: {
        auto get = [](const Sample& x) { return static_cast<uint8_t>(x.text.script); };
        judge.js(st, category_counts(s.reference, kScripts, get), category_counts(s.current, kScripts, get), ref_n, cur_n);
        break;
      }
      case Signal::faq_topic: {
        auto get = [](const Sample& x) { return x.topic; };
        judge.js(st, category_counts(s.reference, kMaxTopics, get), category_counts(s.current, kMaxTopics, get), ref_n, cur_n);
        break;
      }
      case Signal::faq_score:
        judge.psi_numeric(st, values_of(s.reference, [](const Sample& x) { return x.faq_score; }),
                          values_of(s.current, [](const Sample& x) { return x.faq_score; }));
        break;
      case Signal::domain: judge.auc(st, s); break;
      case Signal::answer_tokens:
        judge.psi_numeric(st, values_of(s.reference, [](const Sample& x) { return x.answer_tokens; }),
                          values_of(s.current, [](const Sample& x) { return x.answer_tokens; }));
        break;
      case Signal::refusal_rate: binary(st, [](const Sample& x) { return static_cast<uint8_t>(x.refusal); }); break;
      case Signal::empty_rate: binary(st, [](const Sample& x) { return static_cast<uint8_t>(x.empty); }); break;
      case Signal::latency_ms:
        judge.psi_numeric(st, values_of(s.reference, [](const Sample& x) { return x.latency_ms; }),
                          values_of(s.current, [](const Sample& x) { return x.latency_ms; }));
        break;
      case Signal::ttft_ms:
        judge.psi_numeric(st, values_of(s.reference, [](const Sample& x) { return x.ttft_ms; }),
                          values_of(s.current, [](const Sample& x) { return x.ttft_ms; }));
        break;
      case Signal::privacy_rate: binary(st, [](const Sample& x) { return static_cast<uint8_t>(x.privacy); }); break;
      case Signal::route_mix: {
        auto get = [](const Sample& x) { return x.rule; };
        judge.js(st, category_counts(s.reference, kMaxRules, get), category_counts(s.current, kMaxRules, get), ref_n, cur_n);
        break;
      }
      case Signal::feedback_score:
        judge.ks(st, as_doubles(s.reference_feedback), as_doubles(s.current_feedback));
        break;
    }
    if (!reference_complete) st.state = State::collecting;
    out.push_back(st);
  }
  return out;
}

State overall(const std::vector<SignalStatus>& signals) {
  State worst = State::collecting;
  for (const auto& s : signals) worst = std::max(worst, s.state);
  return worst;
}

namespace {
constexpr std::array<SignalInfo, kSignals> kSignalTable{{
    {Signal::prompt_tokens, "prompt_tokens", Statistic::psi},
    {Signal::script_mix, "script_mix", Statistic::js_distance},
    {Signal::faq_topic, "faq_topic", Statistic::js_distance},
    {Signal::faq_score, "faq_score", Statistic::psi},
    {Signal::domain, "domain", Statistic::auc},
    {Signal::answer_tokens, "answer_tokens", Statistic::psi},
    {Signal::refusal_rate, "refusal_rate", Statistic::js_distance},
    {Signal::empty_rate, "empty_rate", Statistic::js_distance},
    {Signal::latency_ms, "latency_ms", Statistic::psi},
    {Signal::ttft_ms, "ttft_ms", Statistic::psi},
    {Signal::privacy_rate, "privacy_rate", Statistic::js_distance},
    {Signal::route_mix, "route_mix", Statistic::js_distance},
    {Signal::feedback_score, "feedback_score", Statistic::ks},
}};
}  // namespace

const std::array<SignalInfo, kSignals>& signals() { return kSignalTable; }

std::string_view to_string(Statistic s) {
  switch (s) {
    case Statistic::psi: return "psi";
    case Statistic::js_distance: return "js_distance";
    case Statistic::ks: return "ks_p_value";
    case Statistic::auc: return "roc_auc";
  }
  return "";
}

std::string_view to_string(State s) {
  switch (s) {
    case State::collecting: return "collecting";
    case State::ok: return "ok";
    case State::warning: return "warning";
    case State::drift: return "drift";
  }
  return "";
}

}  // namespace sy::ops::drift
