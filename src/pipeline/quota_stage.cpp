#include "pipeline/quota_stage.h"

#include <algorithm>

namespace sy::pipeline {

core::Result<Verdict> QuotaStage::on_request(RequestContext& ctx) {
  if (!budgets_.any() || !ctx.decision) return Verdict::next;
  int64_t prompt = ctx.decision->prompt_tokens;
  int64_t completion = std::clamp<int64_t>(ctx.chat.max_tokens.value_or(kDefaultCompletion), 0, 1 << 20);
  auto reserved = budgets_.reserve(ctx.principal, prompt + completion, estimate_(ctx, prompt, completion));
  if (!reserved) return reserved.error();
  ctx.reservation = std::move(*reserved);
  return Verdict::next;
}

}  // namespace sy::pipeline
