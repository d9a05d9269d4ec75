#include "pipeline/account/account_stage.h"

namespace sy::pipeline {

namespace {

class AccountFilter final : public Filter {
 public:
  explicit AccountFilter(const AccountStage& stage) : stage_(stage) {}
  http::awaitable<core::Status> on_commit(RequestState& s) override {
    stage_.settle(s);
    co_return core::Ok{};
  }
  void on_end(RequestState& s) override { stage_.settle(s); }

 private:
  const AccountStage& stage_;
};

}  // namespace

std::unique_ptr<Filter> AccountStage::start(RequestState&) const { return std::make_unique<AccountFilter>(*this); }

void AccountStage::settle(RequestState& s) const {
  if (s.settled) return;
  s.settled = true;
  auto& r = s.record;
  // Abandoned by the client: whatever the head said, nobody received the whole answer.
  if (r.status == 0 || s.client_gone()) r.status = 499;
  r.latency_ms = s.elapsed_ms();
  if (s.first_token) r.ttft_ms = std::chrono::duration<double, std::milli>(*s.first_token - s.started).count();
  if (s.usage && r.cache != "hit") {
    r.prompt_tokens = s.usage->prompt_tokens;
    r.completion_tokens = s.usage->completion_tokens;
    if (s.answered_by) r.cost_usd = costs_.cost_usd(s.answered_by->config(), *s.usage);
  }
  if (s.model_call) {
    metrics_.model(r.model).observe(r);
    if (s.answered_by && s.answered_by->deployment) s.answered_by->deployment->series->observe(r);
  }
  budgets_.settle(s.reservation, r.prompt_tokens + r.completion_tokens, ops::micro_usd(r.cost_usd));
}

}  // namespace sy::pipeline
