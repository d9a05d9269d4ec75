#pragma once
// Which targets answer, in which order, and which version of each: the router's decision over the
// privacy class the scan found, with every candidate resolved to the registry version that would
// really answer this caller (production, the caller's sticky canary share, or model@version) and
// kept only if that version is healthy and its circuit lets requests through. The same resolution
// serves /v1/route/explain, so an explanation never disagrees with what execution does.
#include "pipeline/stage.h"
#include "router/breakers.h"
#include "router/router.h"
#include "serving/registry.h"

namespace sy::pipeline {

class RouteStage final : public Stage {
 public:
  RouteStage(const config::Config& config, const router::Router& router, const serving::Registry& registry,
             const router::Breakers& breakers, providers::Provider* faq_provider);
  std::string_view name() const override { return "route"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // Decides and resolves the request's targets (state.decision, state.targets), or refuses it.
  core::Status check(RequestState& s) const;

  // Who a canary share sticks to: the end user the client names (OpenAI's `user`), else the key.
  static std::string caller_of(const RequestState& s);
  // What a local target reports about its load (its production version's engine).
  std::optional<router::LocalLoad> local_load(const std::string& model) const;
  // `model` resolved for this request: its Target, or why it cannot answer now.
  core::Result<Target> resolve(const config::ModelConfig& model, const RequestState& s) const;

 private:
  const config::Config& config_;
  const router::Router& router_;
  const serving::Registry& registry_;
  const router::Breakers& breakers_;
  providers::Provider* faq_provider_;
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
