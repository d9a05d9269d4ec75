#include "pipeline/account/account_stage.h"

namespace sy::pipeline {

namespace {

class AccountFilter final : public Filter {
 public:
  explicit AccountFilter(const AccountStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kCommit | kEnd; }
  http::awaitable<core::Status> on_commit(RequestState& s) override {
    stage_.settle(s);
    co_return core::Ok{};
  }
  void on_end(RequestState& s) override { stage_.settle(s); }

 private:
  const AccountStage& stage_;
};

}  // namespace

AccountStage::AccountStage(ops::Metrics& metrics, const ops::CostModel& costs, ops::Budgets& budgets)
    : metrics_(metrics), costs_(costs), budgets_(budgets), filter_(std::make_unique<AccountFilter>(*this)) {}

FilterPtr AccountStage::start(RequestState&) const { return shared_filter(*filter_); }

void AccountStage::settle(RequestState& s) const {
  if (s.settled) return;
  s.settled = true;
  auto& r = s.record;
  // Abandoned by the client before the answer's end: whatever the head said, nobody received it whole.
  if (r.status == 0 || (s.client_gone() && !s.delivered)) r.status = 499;
  r.latency_ms = s.elapsed_ms();
  if (s.first_token) r.ttft_ms = std::chrono::duration<double, std::milli>(*s.first_token - s.started).count();
  if (s.usage && r.cache != "hit") {
    r.prompt_tokens = s.usage->prompt_tokens;
    r.completion_tokens = s.usage->completion_tokens;
    if (s.answered_by) r.cost_usd = costs_.cost_usd(s.answered_by->config(), *s.usage);
  }
  if (s.model_call) {
    metrics_.model(r.model).observe(r);
    metrics_.count_outcome(r);
    if (s.answered_by && s.answered_by->deployment) s.answered_by->deployment->series->observe(r);
  }
  budgets_.settle(s.reservation, r.prompt_tokens + r.completion_tokens, ops::micro_usd(r.cost_usd));
}

}  // namespace sy::pipeline
