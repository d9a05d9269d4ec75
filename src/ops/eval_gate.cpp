#include "ops/eval_gate.h"

#include <cstdio>

#include <boost/json.hpp>

#include "ops/eval_results.h"
#include "ops/file_digest.h"

namespace sy::ops {

namespace json = boost::json;

namespace {

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

json::object GateVerdict::to_json() const {
  json::array f(failures.begin(), failures.end());
  json::array c(checks.begin(), checks.end());
  return {{"gated", gated}, {"passed", passed}, {"forced", forced}, {"failures", std::move(f)}, {"checks", std::move(c)}};
}

std::string GateVerdict::summary() const {
  if (!gated) return "no eval gate";
  const auto& list = passed ? checks : failures;
  std::string out = passed ? "gate passed: " : forced ? "gate forced past: " : "gate failed: ";
  for (size_t i = 0; i < list.size(); ++i) out += (i ? "; " : "") + list[i];
  return out;
}

core::Result<GateVerdict> check_gate(store::Store& store, const config::EvalGate& gate, const std::string& model,
                                     const std::string& version) {
  GateVerdict verdict;
  verdict.gated = true;
  auto digest = sha256_file(gate.dataset);
  if (!digest) return core::Error::unavailable("the gate's dataset " + gate.dataset + " cannot be read: " + digest.error().message);
  auto registry = store.load_registry();
  if (!registry) return registry.error();
  const auto* candidate = registry->find_version(model, version);
  if (!candidate) return core::Error::not_found("model '" + model + "' has no version '" + version + "'");

  auto run = eval_run_for(candidate->eval, *digest);
  if (!run) {
    verdict.passed = false;
    verdict.failures.push_back(version + " has no evaluation on " + gate.dataset + " as it is now (sha256 " +
                               digest->substr(0, 12) + "): run `switchyard eval --model " + model + "@" + version +
                               " --data " + gate.dataset + "`");
    return verdict;
  }
  auto judge = [&](bool ok, std::string what) { (ok ? verdict.checks : verdict.failures).push_back(std::move(what)); };
  judge(run->score >= gate.min_score, "score " + fixed(run->score, 3) + (run->score >= gate.min_score ? " >= " : " < ") +
                                          "min_score " + fixed(gate.min_score, 3));
  if (gate.max_p95_latency_ms > 0) {
    bool ok = run->p95_latency_ms <= gate.max_p95_latency_ms;
    judge(ok, "p95 latency " + fixed(run->p95_latency_ms, 0) + " ms" + (ok ? " <= " : " > ") + "max_p95_latency_ms " +
                  fixed(gate.max_p95_latency_ms, 0));
  }
  if (gate.max_regression >= 0) {
    const auto* production = registry->find_alias(model, "production");
    const auto* current = production ? registry->find_version(model, production->version) : nullptr;
    auto baseline = current && current->version != version ? eval_run_for(current->eval, *digest) : std::nullopt;
    if (baseline) {
      double drop = baseline->score - run->score;
      bool ok = drop <= gate.max_regression + 1e-12;
      judge(ok, "score " + fixed(run->score, 3) + " against production " + current->version + "'s " +
                    fixed(baseline->score, 3) + (ok ? " (within " : " (trails by more than ") + "max_regression " +
                    fixed(gate.max_regression, 3) + ")");
    } else if (current && current->version != version) {
      verdict.checks.push_back("regression not checked: production " + current->version + " has no evaluation on this dataset");
    }
  }
  verdict.passed = verdict.failures.empty();
  return verdict;
}

core::Result<GateVerdict> gate_traffic_move(store::Store& store, const std::map<std::string, config::EvalGate>& gates,
                                            const std::string& action, const std::string& model, std::string version,
                                            const std::string& alias, double percent, bool force) {
  bool moves_traffic = (action == "promote" && alias == "production") || (action == "canary" && percent > 0);
  auto gate = gates.find(model);
  if (!moves_traffic || gate == gates.end()) return GateVerdict{};
  if (version.empty()) {
    auto registry = store.load_registry();
    if (!registry) return registry.error();
    const auto* canary = registry->find_alias(model, "canary");
    if (!canary) return GateVerdict{};  // promote will say there is nothing to promote
    version = canary->version;
  }
  auto verdict = check_gate(store, gate->second, model, version);
  if (!verdict || verdict->passed) return verdict;
  if (force) {
    verdict->forced = true;
    return verdict;
  }
  core::Error refused{409, "invalid_request_error", "", {}, "gate_failed", {}, 0};
  std::string failures;
  for (const auto& f : verdict->failures) failures += (failures.empty() ? "" : "; ") + f;
  refused.message = "model '" + model + "' version '" + version + "' does not pass its eval gate: " + failures +
                    " (--force, or \"force\": true, goes ahead and is audited)";
  return refused;
}

}  // namespace sy::ops
