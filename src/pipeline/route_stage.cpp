#include "pipeline/route_stage.h"

#include "providers/provider.h"

namespace sy::pipeline {

RouteStage::RouteStage(const config::Config& config, std::unordered_map<std::string, providers::Provider*> providers)
    : config_(config), providers_(std::move(providers)) {}

core::Result<Verdict> RouteStage::on_request(RequestContext& ctx) {
  const auto& model = ctx.chat.model;
  const auto* target = config_.find_model(model);
  bool is_route = false;
  if (!target) {
    for (const auto& r : config_.routes) is_route = is_route || r.name == model;
    if (!is_route) return core::Error::model_not_found(model);
  }
  if (!ctx.principal.may_use(model)) {
    return core::Error::permission("The API key '" + ctx.principal.key_name + "' may not use model '" + model + "'.");
  }
  if (is_route) return core::Error::unavailable("Route '" + model + "' is configured, but the policy router has not landed yet.");
  auto it = providers_.find(model);
  auto* provider = it == providers_.end() ? nullptr : it->second;
  if (!provider || !provider->health().healthy) {
    std::string why = provider ? provider->health().reason : "no provider";
    return core::Error::unavailable("The model '" + model + "' is not available: " + why + ".");
  }
  ctx.target = target;  // only a target that will be called: x-switchyard-route names who answered
  ctx.provider = provider;
  return Verdict::next;
}

}  // namespace sy::pipeline
