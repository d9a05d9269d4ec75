// GET /admin/overview: what the dashboard needs to read the counters of /metrics and to show the
// budgets: each configured target and whether it keeps data local (local engine or on-premises
// host) or is a cloud API, the routes, which optional parts are on (FAQ, cache, audit), and every
// key's and team's limits with this month's spend (ops/budgets, counted in this process). Nothing
// here is computed per request: it is the config and the budget counters as they stand.
#include <boost/json.hpp>

#include "api/endpoints.h"
#include "ops/budgets.h"

namespace sy::api {

namespace json = boost::json;

namespace {

json::object limits_json(const std::string& kind, const std::string& name, const config::UsageLimits& l,
                         const ops::Budgets* budgets) {
  json::object o{{"kind", kind},
                 {"name", name},
                 {"requests_per_minute", l.requests_per_minute},
                 {"tokens_per_minute", l.tokens_per_minute},
                 {"usd_per_month", l.usd_per_month}};
  if (budgets) o["spent_usd"] = static_cast<double>(budgets->spent(kind + ":" + name)) / 1e6;
  return o;
}

}  // namespace

http::awaitable<void> serve_admin_overview(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  const auto& cfg = services.config;
  json::array targets;
  for (const auto& m : cfg.models) {
    targets.push_back(json::object{{"name", m.name},
                                   {"provider", config::to_string(m.provider)},
                                   {"local", m.keeps_data_local()}});
  }
  json::array routes;
  for (const auto& r : cfg.routes) routes.push_back(json::string(r.name));
  json::array budgets;
  for (const auto& k : cfg.keys) {
    if (k.limits.any()) budgets.push_back(limits_json("key", k.name, k.limits, services.budgets));
  }
  for (const auto& t : cfg.teams) {
    if (t.limits.any()) budgets.push_back(limits_json("team", t.name, t.limits, services.budgets));
  }
  json::object out{{"targets", std::move(targets)},
                   {"routes", std::move(routes)},
                   {"faq", !cfg.faq.file.empty()},
                   {"cache", cfg.cache.enabled},
                   {"audit", services.audit != nullptr},
                   {"budgets", std::move(budgets)}};
  co_await ex.send_json(200, json::serialize(out));
}

}  // namespace sy::api
