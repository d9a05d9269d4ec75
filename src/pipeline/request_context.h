#pragma once
// Everything the stages learn about one request as it moves along the chain.
#include <chrono>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/chat.h"
#include "core/principal.h"
#include "http/types.h"
#include "ops/budgets.h"
#include "router/decision.h"

namespace sy::providers { class Provider; }

namespace sy::pipeline {

struct RequestContext {
  const http::Request* http = nullptr;
  std::string request_id;
  core::Principal principal;
  core::ChatRequest chat;
  // Set by the route stage: the decision, then (while executing) the candidate being tried.
  std::optional<router::RouteDecision> decision;
  const config::ModelConfig* target = nullptr;
  providers::Provider* provider = nullptr;
  std::string privacy = "any";   // any | local_only | redact, as x-switchyard-privacy says
  std::string version;           // the registry version of the target, as x-switchyard-version says
  ops::Reservation reservation;  // budgets held at admission, settled when the request ends
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace sy::pipeline
