#pragma once
// Rate limits and budgets at admission: after routing (the first candidate prices the estimate),
// the request reserves its estimated tokens and cost against its key's and team's limits, or is
// refused with 429.
#include <functional>

#include "ops/budgets.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class QuotaStage final : public Stage {
 public:
  // `estimate_micro_usd`: what the request may cost at its first candidate, for `tokens` in all.
  using Estimate = std::function<int64_t(const RequestContext&, int64_t prompt_tokens, int64_t completion_tokens)>;
  QuotaStage(ops::Budgets& budgets, Estimate estimate) : budgets_(budgets), estimate_(std::move(estimate)) {}
  std::string_view name() const override { return "quota"; }
  core::Result<Verdict> on_request(RequestContext& ctx) override;

  // Completion tokens assumed when the request sets no max_tokens; settled with the real count.
  static constexpr int64_t kDefaultCompletion = 256;

 private:
  ops::Budgets& budgets_;
  Estimate estimate_;
};

}  // namespace sy::pipeline
