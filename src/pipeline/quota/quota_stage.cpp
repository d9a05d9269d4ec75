#include "pipeline/quota/quota_stage.h"

#include <algorithm>
#include <set>

#include "router/router.h"

namespace sy::pipeline {

QuotaStage::QuotaStage(const config::Config& config, ops::Budgets& budgets, const ops::CostModel& costs)
    : budgets_(budgets), costs_(costs), filter_(std::make_unique<CheckFilter<QuotaStage>>(*this)) {
  for (const auto& m : config.models) reachable_[m.name] = {&m};
  for (const auto& r : config.routes) {
    std::set<std::string> names(r.local.begin(), r.local.end());
    names.insert(r.cloud.begin(), r.cloud.end());
    for (const auto& rule : r.rules) {
      names.insert(rule.targets.begin(), rule.targets.end());
      for (const auto& [name, weight] : rule.split) names.insert(name);
    }
    auto& targets = reachable_[r.name];
    for (const auto& n : names) {
      if (const auto* m = config.find_model(n)) targets.push_back(m);
    }
  }
}

FilterPtr QuotaStage::start(RequestState&) const {
  if (!budgets_.any()) return nullptr;
  return shared_filter(*filter_);
}

int64_t QuotaStage::estimate_micro_usd(const RequestState& s, int64_t prompt, int64_t completion) const {
  auto it = reachable_.find(s.record.model);
  if (it == reachable_.end()) return 0;
  core::Usage usage;
  usage.prompt_tokens = prompt;
  usage.completion_tokens = completion;
  double dearest = 0;
  for (const auto* m : it->second) {
    if (s.privacy.privacy == router::PrivacyClass::local_only && !m->keeps_data_local()) continue;
    dearest = std::max(dearest, costs_.cost_usd(*m, usage));
  }
  return ops::micro_usd(dearest);
}

core::Status QuotaStage::check(RequestState& s) const {
  int64_t chars = 0, prompt = 0;
  if (!s.text.empty()) router::count_text(s.text, chars, prompt);
  for (const auto& input : s.inputs) router::count_text(input, chars, prompt);
  int64_t completion = s.inputs.empty() ? std::clamp<int64_t>(s.chat.max_tokens.value_or(kDefaultCompletion), 0, 1 << 20) : 0;
  auto micro = estimate_micro_usd(s, prompt, completion);
  if (s.dry_run) return budgets_.check(s.principal, prompt + completion, micro);
  auto reserved = budgets_.reserve(s.principal, prompt + completion, micro);
  if (!reserved) return reserved.error();
  s.reservation = std::move(*reserved);
  return core::Ok{};
}

}  // namespace sy::pipeline
