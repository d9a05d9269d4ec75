// GET /healthz (the process answers), /readyz (it should get traffic: not draining, and some
// target can answer) and /metrics (every component's Prometheus series).
#include <boost/json.hpp>

#include "api/endpoints.h"

namespace sy::api {

http::awaitable<void> serve_healthz(Exchange& ex, const Services&) {
  co_await ex.send_json(200, R"({"status":"ok"})");
}

// Each target is "healthy", "unhealthy" (it failed or is not loaded) or "unconfigured" (it cannot
// work as configured: a cloud target without credentials, a local model whose file is missing);
// `reasons` says why for each that is not healthy. Overall: "ready" when every target is healthy,
// "degraded" (still 200) when some are not but one can answer, 503 when none can or draining.
http::awaitable<void> serve_readyz(Exchange& ex, const Services& services) {
  boost::json::object targets;
  boost::json::object reasons;
  size_t healthy = 0;
  for (const auto& m : services.config.models) {
    auto d = services.registry.production(m.name);
    auto h = d ? d->provider->health() : providers::Health{false, "no serving version"};
    if (h.healthy) ++healthy;
    targets[m.name] = h.healthy ? "healthy" : h.unconfigured ? "unconfigured" : "unhealthy";
    if (!h.healthy) reasons[m.name] = h.reason;
  }
  bool draining = services.draining();
  bool ready = !draining && healthy > 0;
  const char* status = draining ? "draining"
                       : !ready ? "no healthy target"
                       : healthy < services.config.models.size() ? "degraded"
                                                                 : "ready";
  boost::json::object body{{"status", status}, {"targets", std::move(targets)}, {"reasons", std::move(reasons)}};
  co_await ex.send_json(ready ? 200 : 503, boost::json::serialize(body));
}

http::awaitable<void> serve_metrics(Exchange& ex, const Services& services) {
  co_await ex.send_text(200, services.render_metrics(), "text/plain; version=0.0.4");
}

}  // namespace sy::api
