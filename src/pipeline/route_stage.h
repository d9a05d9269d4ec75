#pragma once
// Which targets answer, in which order, under which privacy class: the router's decision, kept
// on the context for the executor, the headers and the access log.
#include "pipeline/stage.h"
#include "router/router.h"

namespace sy::pipeline {

class RouteStage final : public Stage {
 public:
  explicit RouteStage(router::Router& router) : router_(router) {}
  std::string_view name() const override { return "route"; }
  core::Result<Verdict> on_request(RequestContext& ctx) override;

 private:
  router::Router& router_;
};

}  // namespace sy::pipeline
