// Drift detection's false alarms and detection delay, on synthetic traffic made from the demo FAQ
// (bench/drift_bench.md has the table and how to rerun it).
//
//   drift_bench [--runs N] [--stream N] [--every N] [--root DIR] [--signals] [--reference N] [--window N] [--min-samples N] [--psi-bins N] [--auc WARNING]
//
// --signals: also, on stderr, each signal's worst statistic on stationary traffic.
//
// Each run (one seed) makes a DriftMonitor with the default `drift:` settings, sends it the
// reference (the first `reference` requests) and a full window of requests drawn from one
// distribution — the FAQ's questions, their alternates and the hand-written paraphrases, in
// English and Chinese — then `stream` more requests of a scenario, evaluating every `every`
// requests as the server's timer would. Stationary: the same distribution goes on, and any
// evaluation in `drift` is a false alarm. Shifted: the traffic changes at once (or in part), and
// the delay is the number of requests after the change until the state first reads `drift`.
//
// Requests carry what the server's drift stage takes from the request state: estimated prompt
// tokens and the FAQ match from the real router code, the prompt's script and hashed terms, and
// simulated answer length, latency, TTFT, refusals, empty answers, privacy findings and ratings.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "ops/drift/drift_monitor.h"
#include "pipeline/drift/drift_topics.h"
#include "router/faq_matcher.h"
#include "router/router.h"

namespace {

using namespace sy;
using ops::drift::Sample;
using ops::drift::State;

struct Prompt {
  std::string text;
  float tokens = 0;
  float faq_score = 0;
  uint8_t topic = 0;
  float answer_tokens = 0;  // the matched entry's answer, when the match is good
  std::string rule;
  ops::drift::TextFeatures features;
};

std::vector<std::string> read_questions(const std::string& file, const char* lang = nullptr) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto v = boost::json::parse(line).as_object();
    if (lang && (!v.contains("lang") || v["lang"].as_string() != lang)) continue;
    out.emplace_back(v["question"].as_string());
  }
  return out;
}

struct World {
  std::shared_ptr<const router::FaqMatcher> faq;
  std::unique_ptr<pipeline::DriftTopics> topics;

  Prompt describe(const std::string& text) const {
    Prompt p;
    p.text = text;
    int64_t chars = 0, tokens = 0;
    router::count_text(text, chars, tokens);
    p.tokens = static_cast<float>(tokens);
    auto m = faq->best(text);
    p.faq_score = static_cast<float>(m.score);
    p.topic = topics->index(m.entry ? m.entry->id : "", m.score);
    if (m.entry && m.score >= 0.5) {
      int64_t ac = 0, at = 0;
      router::count_text(m.entry->answer, ac, at);
      p.answer_tokens = static_cast<float>(at);
    }
    p.rule = m.score >= 0.9 ? "default:faq" : m.score >= 0.5 ? "default:faq-local" : chars < 300 ? "default:short" : "default:cloud";
    p.features = ops::drift::text_features(text);
    return p;
  }
  std::vector<Prompt> describe_all(const std::vector<std::string>& texts) const {
    std::vector<Prompt> out;
    for (const auto& t : texts) out.push_back(describe(t));
    return out;
  }
};

// What happens to a request besides its prompt.
struct Behaviour {
  double refusal = 0.02;
  double empty = 0.005;
  double privacy = 0.03;
  double feedback = 0.2;
};

struct Traffic {
  const std::vector<Prompt>* pool;
  const std::vector<Prompt>* shifted = nullptr;  // after the change, drawn with probability `share`
  double share = 1;
  Behaviour after;
  int concat = 1;  // prompts joined into one (longer prompts)
  bool right_after_reference = false;  // the change comes as soon as the reference is complete
};

Sample draw(const std::vector<Prompt>& pool, std::mt19937_64& rng, const Behaviour& b, std::string& rule, int concat,
            const World& world) {
  const Prompt* p = &pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)];
  Prompt joined;
  if (concat > 1) {
    std::string text = p->text;
    for (int i = 1; i < concat; ++i) text += " Also, " + pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)].text;
    joined = world.describe(text);
    p = &joined;
  }
  Sample s;
  s.prompt_tokens = p->tokens;
  s.faq_score = p->faq_score;
  s.topic = p->topic;
  s.text = p->features;
  std::lognormal_distribution<double> free_answer(std::log(60.0), 0.6), latency(std::log(300.0), 0.5), ttft(std::log(80.0), 0.4);
  std::normal_distribution<double> jitter(0, 3);
  s.answer_tokens = p->answer_tokens > 0 ? static_cast<float>(std::max(1.0, p->answer_tokens + jitter(rng)))
                                         : static_cast<float>(free_answer(rng));
  s.latency_ms = static_cast<float>(latency(rng));
  s.ttft_ms = static_cast<float>(ttft(rng));
  std::bernoulli_distribution refusal(b.refusal), empty(b.empty), privacy(b.privacy);
  s.refusal = refusal(rng);
  s.empty = empty(rng);
  s.privacy = privacy(rng);
  rule = p->rule;
  return s;
}

double rating(std::mt19937_64& rng) {
  static const double scores[] = {1, 0.5, 0, -0.5, -1};
  std::discrete_distribution<int> d({60, 15, 10, 5, 10});
  return scores[d(rng)];
}

struct RunResult {
  std::map<std::string, double> worst;  // stationary: each signal's worst statistic over the run
  std::map<std::string, int> warned_by, drift_by;
  bool false_alarm = false;   // drift before the change (or at all, when stationary)
  bool warned = false;        // warning (or worse) before the change
  int changes = 0;            // state changes before the change
  int warning_at = -1;        // requests after the change until warning / drift; -1 = never
  int drift_at = -1;
  std::string first_signal;   // the signal(s) in drift when drift was first seen
};

config::DriftConfig g_config;  // the defaults, or what the flags say

RunResult run_once(uint64_t seed, const World& world, const std::vector<Prompt>& base, const Traffic& scenario,
                   int stream, int every) {
  const config::DriftConfig& cfg = g_config;
  ops::drift::DriftMonitor monitor(cfg, world.topics->names());
  std::mt19937_64 rng(seed);
  ops::drift::SeriesKey key{"auto", "faq-local", "v1"};
  RunResult r;
  State last = State::collecting;
  std::string rule;
  auto send = [&](const std::vector<Prompt>& pool, const Behaviour& b, int concat) {
    auto s = draw(pool, rng, b, rule, concat, world);
    monitor.observe(key, s, rule);
    if (std::bernoulli_distribution(b.feedback)(rng)) monitor.observe_feedback(key, rating(rng));
  };
  const int before = cfg.reference + (scenario.right_after_reference ? 0 : cfg.window);
  for (int i = 0; i < before; ++i) {
    send(base, Behaviour{}, 1);
    if (i >= cfg.reference && (i + 1) % every == 0) {
      auto st = monitor.status("auto", "faq-local", "v1");
      if (st->state != last && last != State::collecting) ++r.changes;
      last = st->state;
      r.false_alarm |= st->state == State::drift;
      r.warned |= st->state >= State::warning;
    }
  }
  std::bernoulli_distribution shifted(scenario.share);
  for (int i = 1; i <= stream; ++i) {
    bool to_new = scenario.shifted && shifted(rng);
    send(to_new ? *scenario.shifted : base, scenario.after, scenario.concat);
    if (i % every != 0) continue;
    auto st = monitor.status("auto", "faq-local", "v1");
    if (!scenario.shifted && scenario.concat == 1 && scenario.after.refusal == Behaviour{}.refusal) {
      for (const auto& sig : st->signals) {
        if (sig.state == State::collecting) continue;
        std::string n(sig.name);
        bool low_is_worse = sig.statistic == ops::drift::Statistic::ks;
        auto [it, added] = r.worst.try_emplace(n, sig.value);
        if (!added) it->second = low_is_worse ? std::min(it->second, sig.value) : std::max(it->second, sig.value);
        if (sig.state >= State::warning) r.warned_by[n] = 1;
        if (sig.state == State::drift) r.drift_by[n] = 1;
      }
      if (st->state != last) ++r.changes;
      r.false_alarm |= st->state == State::drift;
      r.warned |= st->state >= State::warning;
    }
    last = st->state;
    if (r.warning_at < 0 && st->state >= State::warning) r.warning_at = i;
    if (r.drift_at < 0 && st->state == State::drift) {
      r.drift_at = i;
      for (const auto& sig : st->signals) {
        if (sig.state == State::drift) r.first_signal += (r.first_signal.empty() ? "" : "+") + std::string(sig.name);
      }
    }
  }
  return r;
}

double percentile(std::vector<int> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 100, stream = 3000, every = 10;
  bool signal_table = false;
  std::string root = ".";
  for (int i = 1; i < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--signals") {
      signal_table = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) a = "";
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
    else if (a == "--stream") stream = std::atoi(argv[i + 1]);
    else if (a == "--every") every = std::atoi(argv[i + 1]);
    else if (a == "--root") root = argv[i + 1];
    else if (a == "--reference") g_config.reference = std::atoi(argv[i + 1]);
    else if (a == "--window") g_config.window = std::atoi(argv[i + 1]);
    else if (a == "--min-samples") g_config.min_samples = std::atoi(argv[i + 1]);
    else if (a == "--psi-bins") g_config.psi_bins = std::atoi(argv[i + 1]);
    else if (a == "--auc") {
      g_config.thresholds.auc_warning = std::atof(argv[i + 1]);
      g_config.thresholds.auc_drift = g_config.thresholds.auc_warning + 0.05;
    }
    else {
      std::fprintf(stderr, "usage: drift_bench [--runs N] [--stream N] [--every N] [--root DIR] [--signals] [--reference N] [--window N] [--min-samples N] [--psi-bins N] [--auc WARNING]\n");
      return 2;
    }
  }
  World world;
  auto faq = router::FaqMatcher::load(root + "/data/faq/faq.jsonl");
  if (!faq) {
    std::fprintf(stderr, "drift_bench: %s (run from the repository root, or give --root)\n", faq.error().message.c_str());
    return 2;
  }
  world.faq = *faq;
  world.topics = std::make_unique<pipeline::DriftTopics>(world.faq.get(), 0.5);

  std::vector<std::string> base_texts, zh_texts;
  for (const auto& e : world.faq->entries()) {
    bool zh = e.id.find("-zh-") != std::string::npos;
    base_texts.push_back(e.question);
    if (zh) zh_texts.push_back(e.question);
    for (const auto& a : e.alternates) {
      base_texts.push_back(a);
      if (zh) zh_texts.push_back(a);
    }
  }
  for (const auto& q : read_questions(root + "/tests/data/faq_paraphrases.jsonl")) base_texts.push_back(q);
  for (const auto& q : read_questions(root + "/tests/data/faq_paraphrases.jsonl", "zh-Hant")) zh_texts.push_back(q);
  auto base = world.describe_all(base_texts);
  auto zh = world.describe_all(zh_texts);
  auto offtopic = world.describe_all(read_questions(root + "/tests/data/faq_offtopic.jsonl"));
  auto policy = world.describe_all(read_questions(root + "/tests/data/drift_new_policy.jsonl"));

  struct Scenario {
    const char* name;
    Traffic traffic;
  };
  Behaviour refusals;
  refusals.refusal = 0.12;
  std::vector<Scenario> scenarios{
      {"stationary (no change)", {&base}},
      {"new leave policy, all traffic", {&base, &policy, 1.0}},
      {"new leave policy, 30% of traffic", {&base, &policy, 0.3}},
      {"new leave policy, all traffic, right after the reference", {&base, &policy, 1.0, Behaviour{}, 1, true}},
      {"off-topic questions, all traffic", {&base, &offtopic, 1.0}},
      {"off-topic questions, 30% of traffic", {&base, &offtopic, 0.3}},
      {"Chinese only (was 40% Chinese)", {&base, &zh, 1.0}},
      {"longer prompts (three questions in one)", {&base, nullptr, 1.0, Behaviour{}, 3}},
      {"refusals 2% -> 12%", {&base, nullptr, 1.0, refusals}},
  };
  const config::DriftConfig& defaults = g_config;
  std::printf("drift_bench: %d runs per scenario, reference %d, window %d, min_samples %d, evaluated every %d requests, "
              "%d requests after the change\n\n",
              runs, defaults.reference, defaults.window, defaults.min_samples, every, stream);
  std::printf("| scenario | runs in drift before the change (false alarms) | runs warned before the change | "
              "detected (drift) | delay to drift: median / p90 / max | delay to warning: median | signals in drift first |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const auto& sc : scenarios) {
    int alarms = 0, warned = 0, detected = 0;
    std::vector<int> delays, warn_delays;
    std::map<std::string, int> firsts;
    std::map<std::string, std::vector<double>> worst;
    std::map<std::string, int> warned_by, drift_by;
    for (int run = 0; run < runs; ++run) {
      auto r = run_once(1000 + static_cast<uint64_t>(run), world, base, sc.traffic, stream, every);
      alarms += r.false_alarm;
      warned += r.warned;
      if (r.drift_at >= 0) {
        ++detected;
        delays.push_back(r.drift_at);
        ++firsts[r.first_signal];
      }
      if (r.warning_at >= 0) warn_delays.push_back(r.warning_at);
      for (auto& [k, v] : r.worst) worst[k].push_back(v);
      for (auto& [k, v] : r.warned_by) warned_by[k] += v;
      for (auto& [k, v] : r.drift_by) drift_by[k] += v;
    }
    if (signal_table && !worst.empty()) {
      std::fprintf(stderr, "\n%s: each signal's worst statistic in a run (median and max over runs), runs warned / in drift by it\n", sc.name);
      for (auto& [k, v] : worst) {
        std::sort(v.begin(), v.end());
        std::fprintf(stderr, "  %-15s median %.4f  max %.4f  warned %d  drift %d\n", k.c_str(), v[v.size() / 2], v.back(), warned_by[k], drift_by[k]);
      }
    }
    bool stationary = !sc.traffic.shifted && sc.traffic.concat == 1 && sc.traffic.after.refusal == Behaviour{}.refusal;
    std::string first;
    std::vector<std::pair<int, std::string>> order;
    for (auto& [k, v] : firsts) order.emplace_back(v, k);
    std::sort(order.rbegin(), order.rend());
    for (size_t i = 0; i < order.size() && i < 2; ++i) first += (i ? ", " : "") + order[i].second + " (" + std::to_string(order[i].first) + ")";
    char delay[96] = "—", warn[32] = "—";
    if (!delays.empty()) std::snprintf(delay, sizeof delay, "%.0f / %.0f / %.0f", percentile(delays, 0.5), percentile(delays, 0.9), percentile(delays, 1.0));
    if (!warn_delays.empty()) std::snprintf(warn, sizeof warn, "%.0f", percentile(warn_delays, 0.5));
    std::printf("| %s | %d/%d (%.1f%%) | %d/%d | %s | %s | %s | %s |\n", sc.name, alarms, runs, 100.0 * alarms / runs, warned, runs,
                stationary ? "—" : (std::to_string(detected) + "/" + std::to_string(runs)).c_str(), stationary ? "—" : delay,
                stationary ? "—" : warn, first.empty() ? "—" : first.c_str());
    std::fflush(stdout);
  }
  return 0;
}
