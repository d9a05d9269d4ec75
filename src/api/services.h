#pragma once
// What the endpoints share, composed once by the gateway: the chains every request runs through,
// and the parts the endpoints that answer by themselves need (the registry, the store, metrics).
#include <functional>

#include "config/config.h"
#include "core/in_flight.h"
#include "ops/audit_log.h"
#include "ops/drift/drift_monitor.h"
#include "ops/budgets.h"
#include "ops/metrics.h"
#include "ops/stored_responses.h"
#include "pipeline/chain.h"
#include "privacy/scanner.h"
#include "serving/registry.h"
#include "store/store.h"

namespace sy::api {

struct Chains {
  pipeline::Chain chat;        // a model's answer: the whole request path
  pipeline::Chain embeddings;  // admission, quota and accounting around an embedding call
  pipeline::Chain keyed;       // endpoints any key may call (/v1/models)
  pipeline::Chain admin;       // the admin API
};

struct Services {
  const config::Config& config;
  const Chains& chains;
  serving::Registry& registry;
  store::Store& store;
  ops::AuditLog* audit;         // null when the audit is off
  ops::Metrics& metrics;
  core::InFlight& background;   // off-thread work a drain waits for
  std::function<bool()> draining;
  std::function<size_t()> open_connections;
  // Every component's Prometheus series.
  std::function<std::string()> render_metrics;
  ops::StoredResponses& responses;  // the Responses API's stored responses
  std::shared_ptr<const privacy::Scanner> scanner;  // null when it could not be made
  const ops::Budgets* budgets = nullptr;            // limits and this month's spend (the dashboard)
  ops::drift::DriftMonitor* drift = nullptr;  // drift on live traffic; null when drift.enabled is false
};

}  // namespace sy::api
