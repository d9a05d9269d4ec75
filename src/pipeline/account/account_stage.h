#pragma once
// What a request used and cost, counted once however it ended: its status (499 when the client
// left first), latency and time to first token, tokens, the answer's cost (a cache hit costs
// nothing and records what it saved), the metrics of the model asked for and of the version that
// answered, and the budget reservation settled with the real numbers. On a complete answer this
// runs before the audit record is written, so the record carries the numbers.
#include "ops/budgets.h"
#include "ops/cost_model.h"
#include "ops/metrics.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class AccountStage final : public Stage {
 public:
  AccountStage(ops::Metrics& metrics, const ops::CostModel& costs, ops::Budgets& budgets);
  std::string_view name() const override { return "account"; }
  FilterPtr start(RequestState& state) const override;

  void settle(RequestState& s) const;

 private:
  ops::Metrics& metrics_;
  const ops::CostModel& costs_;
  ops::Budgets& budgets_;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
