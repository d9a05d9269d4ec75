#include "pipeline/route_stage.h"

namespace sy::pipeline {

core::Result<Verdict> RouteStage::on_request(RequestContext& ctx) {
  auto decision = router_.decide(ctx.chat, ctx.principal);
  if (!decision) return decision.error();
  ctx.privacy = router::to_string(decision->privacy);
  ctx.decision = std::move(*decision);
  if (ctx.decision->refusal) return *ctx.decision->refusal;
  return Verdict::next;
}

}  // namespace sy::pipeline
