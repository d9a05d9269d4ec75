#pragma once
// One candidate of a route decision, resolved to what will really answer it: the registry version
// that serves this caller (production, the caller's canary share, or the version the request
// pinned), held until the request ends so a retirement waits for it.
#include <memory>

#include "config/config.h"
#include "providers/provider.h"
#include "serving/registry.h"

namespace sy::pipeline {

struct Target {
  const config::ModelConfig* model = nullptr;       // as configured: the route's member
  std::shared_ptr<serving::Deployment> deployment;  // null for the FAQ, which is no registry model
  providers::Provider* provider = nullptr;
  serving::Role role = serving::Role::production;

  bool cloud() const { return !model->keeps_data_local(); }
  // The version's config: the model's, with the version's artifact.
  const config::ModelConfig& config() const { return deployment ? deployment->config : *model; }
  std::string version() const { return deployment ? deployment->version : std::string(); }
};

}  // namespace sy::pipeline
