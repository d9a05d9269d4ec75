// POST /admin/cost/plan: the cost planner of `switchyard cost plan --json` (ops/cost_plan), for the
// dashboard's planner with editable inputs. The body, every field optional:
//   {"inputs": {...}}                the keys of a planner inputs file (data/cost/README.md), as
//                                    JSON, over the planner's defaults
//   {"from_audit": true, "since": "30d", "until": T}
//                                    the traffic from this server's audit trail instead: local is
//                                    what a local model or an on-premises host answered
// Answers the same JSON object as `switchyard cost plan --json`; bad inputs are a 400 naming them.
#include <charconv>
#include <chrono>
#include <set>

#include <boost/json.hpp>

#include "api/endpoints.h"
#include "api/off_thread.h"
#include "ops/cost_audit.h"
#include "ops/cost_inputs.h"
#include "ops/cost_plan.h"
#include "ops/cost_report.h"
#include "ops/pricing.h"
#include "ops/utc_time.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

struct PlanRequest {
  std::string inputs_json;  // "" = the defaults
  bool from_audit = false;
  std::string since = "30d";
  std::string until;
};

core::Result<PlanRequest> parse_plan_request(std::string_view body) {
  PlanRequest r;
  if (body.empty()) return r;
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return Error::invalid_request("The body must be a JSON object.");
  for (const auto& [key, value] : v.as_object()) {
    if (key == "inputs") {
      if (!value.is_object()) return Error::invalid_request("'inputs' must be a JSON object of planner inputs.", "inputs");
      r.inputs_json = json::serialize(value);  // JSON is YAML: the inputs file's reader takes it
    } else if (key == "from_audit") {
      if (!value.is_bool()) return Error::invalid_request("'from_audit' must be true or false.", "from_audit");
      r.from_audit = value.as_bool();
    } else if (key == "since" || key == "until") {
      if (!value.is_string()) return Error::invalid_request("'" + std::string(key) + "' must be a string.", std::string(key));
      (key == "since" ? r.since : r.until) = std::string(value.as_string());
    } else {
      return Error::invalid_request("Unknown field '" + std::string(key) + "' (inputs, from_audit, since, until).",
                                    std::string(key));
    }
  }
  return r;
}

// "30d" or "12h" back from now, else a UTC time.
core::Result<int64_t> parse_since(const std::string& text, int64_t now) {
  if (text.size() >= 2 && (text.back() == 'd' || text.back() == 'h')) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
    if (ec == std::errc() && end == text.data() + text.size() - 1 && n > 0) {
      return now - n * (text.back() == 'd' ? 86'400'000 : 3'600'000);
    }
  }
  return ops::parse_utc_time(text);
}

core::Result<ops::cost::ObservedTraffic> observe(const config::Config& config, store::Store& store, const PlanRequest& r) {
  const int64_t now = ops::now_ms();
  auto since = parse_since(r.since, now);
  if (!since) return Error::invalid_request("'since': " + since.error().message, "since");
  int64_t until = now + 1;
  if (!r.until.empty()) {
    auto t = ops::parse_utc_time(r.until);
    if (!t) return Error::invalid_request("'until': " + t.error().message, "until");
    until = *t;
  }
  if (until <= *since) return Error::invalid_request("'since' must be before 'until'.", "since");
  // Local as `cost plan --from-audit --config` counts it: our own hardware answered.
  std::set<std::string> local;
  for (const auto& m : config.models) {
    if (m.keeps_data_local()) local.insert(m.name);
  }
  auto registry = store.load_registry();
  if (!registry) return registry.error();
  for (const auto& v : registry->versions) {
    if (!v.path.empty()) local.insert(v.model);
  }
  return ops::cost::observe_traffic(store, *since, until, [&](const std::string& target) { return local.contains(target); });
}

core::Result<json::object> make_plan(const config::Config& config, store::Store& store, const PlanRequest& r) {
  ops::cost::Inputs in;
  if (!r.inputs_json.empty()) {
    if (auto s = ops::cost::apply_yaml(r.inputs_json, "inputs", in); !s) {
      return Error::invalid_request(s.error().message, "inputs");
    }
  }
  std::optional<ops::cost::ObservedTraffic> observed;
  if (r.from_audit) {
    auto seen = observe(config, store, r);
    if (!seen) return seen.error();
    observed = *seen;
    ops::cost::apply_observed(*observed, in);
  }
  auto prices = ops::PriceTable::load(config.prices);
  if (!prices) return Error::unavailable("The price table could not be read: " + prices.error().message);
  if (auto s = ops::cost::resolve_cloud_prices(**prices, in); !s) return Error::invalid_request(s.error().message, "inputs");
  if (auto s = ops::cost::validate(in); !s) return Error::invalid_request(s.error().message, "inputs");
  const auto plan = ops::cost::plan(in);
  return ops::cost::render_json(in, plan, observed ? &*observed : nullptr);
}

}  // namespace

http::awaitable<void> serve_admin_cost_plan(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  auto parsed = parse_plan_request(ex.request.body());
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  if (parsed->from_audit && services.audit && !services.audit->options().durable) services.audit->flush();
  auto work = [&config = services.config, &store = services.store, r = *parsed] { return make_plan(config, store, r); };
  auto planned = co_await off_thread(services.background, std::move(work));
  if (!planned) {
    co_await ex.send_error(planned.error());
    co_return;
  }
  co_await ex.send_json(200, json::serialize(*planned));
}

}  // namespace sy::api
