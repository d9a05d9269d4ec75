#pragma once
// Which target answers. For now a model name maps to its one configured target; the policy
// router (routes, privacy classes, fallback) replaces this stage's insides, not its place.
#include <string>
#include <unordered_map>

#include "pipeline/stage.h"

namespace sy::pipeline {

class RouteStage final : public Stage {
 public:
  RouteStage(const config::Config& config, std::unordered_map<std::string, providers::Provider*> providers);
  std::string_view name() const override { return "route"; }
  core::Result<Verdict> on_request(RequestContext& ctx) override;

 private:
  const config::Config& config_;
  std::unordered_map<std::string, providers::Provider*> providers_;
};

}  // namespace sy::pipeline
