// GET /healthz (the process answers), /readyz (it should get traffic: not draining, and some
// target can answer) and /metrics (every component's Prometheus series).
#include <boost/json.hpp>

#include "api/endpoints.h"

namespace sy::api {

http::awaitable<void> serve_healthz(Exchange& ex, const Services&) {
  co_await ex.send_json(200, R"({"status":"ok"})");
}

http::awaitable<void> serve_readyz(Exchange& ex, const Services& services) {
  boost::json::object targets;
  bool any_healthy = false;
  for (const auto& m : services.config.models) {
    auto d = services.registry.production(m.name);
    auto h = d ? d->provider->health() : providers::Health{false, "no serving version"};
    any_healthy = any_healthy || h.healthy;
    targets[m.name] = h.healthy ? boost::json::value("healthy") : boost::json::value("unhealthy: " + h.reason);
  }
  bool draining = services.draining();
  bool ready = !draining && any_healthy;
  boost::json::object body{{"status", std::string(draining ? "draining" : ready ? "ready" : "no healthy target")},
                           {"targets", std::move(targets)}};
  co_await ex.send_json(ready ? 200 : 503, boost::json::serialize(body));
}

http::awaitable<void> serve_metrics(Exchange& ex, const Services& services) {
  co_await ex.send_text(200, services.render_metrics(), "text/plain; version=0.0.4");
}

}  // namespace sy::api
