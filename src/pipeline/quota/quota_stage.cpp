#include "pipeline/quota/quota_stage.h"

#include <algorithm>
#include <set>

#include "ops/shared_limits.h"
#include "pipeline/await_callback.h"
#include "router/router.h"

namespace sy::pipeline {

namespace {

// The request hook: this process's counters at once, or the shared ones through Redis.
class QuotaFilter final : public Filter {
 public:
  explicit QuotaFilter(const QuotaStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    core::Status admitted = core::Ok{};
    if (stage_.shared()) admitted = co_await stage_.admit(s);
    else admitted = stage_.check(s);  // no second coroutine frame on the per-process path
    if (!admitted) co_return admitted.error();
    co_return Verdict::next;
  }

 private:
  const QuotaStage& stage_;
};

}  // namespace

QuotaStage::QuotaStage(const config::Config& config, ops::Budgets& budgets, const ops::CostModel& costs)
    : budgets_(budgets), costs_(costs), filter_(std::make_unique<QuotaFilter>(*this)) {
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

QuotaStage::Estimate QuotaStage::estimate(const RequestState& s) const {
  int64_t chars = 0, prompt = 0;
  if (!s.text.empty()) router::count_text(s.text, chars, prompt);
  for (const auto& input : s.inputs) router::count_text(input, chars, prompt);
  int64_t completion = s.inputs.empty() ? std::clamp<int64_t>(s.chat.max_tokens.value_or(kDefaultCompletion), 0, 1 << 20) : 0;
  return {prompt + completion, estimate_micro_usd(s, prompt, completion)};
}

core::Status QuotaStage::check(RequestState& s) const {
  auto e = estimate(s);
  if (s.dry_run) return budgets_.check(s.principal, e.tokens, e.micro_usd);
  auto reserved = budgets_.reserve(s.principal, e.tokens, e.micro_usd);
  if (!reserved) return reserved.error();
  s.reservation = std::move(*reserved);
  return core::Ok{};
}

http::awaitable<core::Status> QuotaStage::admit(RequestState& s) const {
  auto* shared = budgets_.shared();
  if (!shared) co_return check(s);
  auto e = estimate(s);
  auto reserved = co_await await_callback<core::Result<ops::Reservation>>([&](auto deliver) {
    shared->reserve(s.principal, e.tokens, e.micro_usd, s.dry_run, std::move(deliver));
  });
  if (!reserved) co_return reserved.error();
  if (!s.dry_run) s.reservation = std::move(*reserved);
  co_return core::Ok{};
}

}  // namespace sy::pipeline
