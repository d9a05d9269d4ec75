// The drift API, guarded by the admin key like the rest of /admin:
//   GET  /admin/drift[?route=&model=&version=&state=]   every series (or those named), evaluated now:
//        {"object": "drift", "enabled", "reference", "window", "min_samples", "series": [status...]}
//        (ops/drift/drift_json.h has a series' fields; `state` keeps series in that state or worse)
//   POST /admin/drift/pin   {"route", "model", "version"}  the current window becomes the reference
//   POST /admin/drift/reset {"route", "model", "version"}  the next requests form a new reference
// Reading evaluates every series that saw traffic since the last evaluation, off the request path
// of any chat request (on the offload pool).
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "api/endpoints.h"
#include "http/offload.h"
#include "ops/drift/drift_json.h"
#include "wire/json_fields.h"
#include "wire/request_body.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;
using ops::drift::State;

namespace {

struct DriftFilter {
  std::string route, model, version;
  State at_least = State::collecting;
};

core::Result<DriftFilter> parse_filter(std::string_view target) {
  DriftFilter f;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return Error::invalid_request("Malformed query string.");
  for (auto param : url->params()) {
    if (param.key == "route") f.route = param.value;
    else if (param.key == "model") f.model = param.value;
    else if (param.key == "version") f.version = param.value;
    else if (param.key == "state") {
      if (param.value == "ok") f.at_least = State::ok;
      else if (param.value == "warning") f.at_least = State::warning;
      else if (param.value == "drift") f.at_least = State::drift;
      else if (param.value != "collecting") return Error::invalid_request("'state' must be collecting, ok, warning or drift.", "state");
    } else {
      return Error::invalid_request("Unknown query parameter '" + std::string(param.key) + "': route, model, version and state are known.",
                                    std::string(param.key));
    }
  }
  return f;
}

bool keeps(const DriftFilter& f, const ops::drift::SeriesStatus& s) {
  return (f.route.empty() || f.route == s.route) && (f.model.empty() || f.model == s.model) &&
         (f.version.empty() || f.version == s.version) && s.state >= f.at_least;
}

http::awaitable<void> serve_report(Exchange& ex, const Services& services, ops::drift::DriftMonitor& drift) {
  auto filter = parse_filter(ex.request.target());
  if (!filter) {
    co_await ex.send_error(filter.error());
    co_return;
  }
  auto report = co_await http::offload([&drift] { return drift.report(); });
  json::array series;
  for (const auto& s : report) {
    if (keeps(*filter, s)) series.push_back(ops::drift::status_json(s));
  }
  const auto& c = drift.config();
  json::object out{{"object", "drift"},
                   {"enabled", true},
                   {"reference", c.reference},
                   {"window", c.window},
                   {"min_samples", c.min_samples},
                   {"series", std::move(series)}};
  (void)services;
  co_await ex.send_json(200, json::serialize(out));
}

http::awaitable<void> serve_action(Exchange& ex, ops::drift::DriftMonitor& drift, std::string_view action) {
  if (action != "pin" && action != "reset") {
    auto e = Error::not_found("Unknown drift action '" + std::string(action) + "': pin or reset.");
    co_await ex.send_error(e);
    co_return;
  }
  wire::JsonScratch scratch;
  auto o = wire::parse_request_body(ex.request.body(), scratch.storage());
  if (!o) {
    co_await ex.send_error(o.error());
    co_return;
  }
  auto route = wire::string_or(*o, "route");
  auto model = wire::string_or(*o, "model");
  auto version = wire::string_or(*o, "version");
  if (route.empty() || model.empty() || version.empty()) {
    auto e = Error::invalid_request("'route', 'model' and 'version' name the series.", route.empty() ? "route" : model.empty() ? "model" : "version");
    co_await ex.send_error(e);
    co_return;
  }
  bool done = action == "pin" ? drift.pin_reference(route, model, version) : drift.reset(route, model, version);
  if (!done) {
    auto e = action == "pin" ? Error::invalid_request("No series " + std::string(route) + "/" + std::string(model) + "@" + std::string(version) +
                                                      " with at least min_samples requests in its window to pin.")
                             : Error::not_found("No series " + std::string(route) + "/" + std::string(model) + "@" + std::string(version) + ".");
    co_await ex.send_error(e);
    co_return;
  }
  auto status = co_await http::offload([&drift, r = std::string(route), m = std::string(model), v = std::string(version)] {
    return drift.status(r, m, v);
  });
  json::object out{{"object", "drift.series"}, {"action", action}};
  if (status) out["series"] = ops::drift::status_json(*status);
  co_await ex.send_json(200, json::serialize(out));
}

}  // namespace

http::awaitable<void> serve_admin_drift(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  if (!services.drift) {
    auto off = Error::unavailable("Drift detection is off here (drift.enabled: false).");
    co_await ex.send_error(off);
    co_return;
  }
  std::string_view path = ex.state.record.path;
  if (ex.request.method() == http::bhttp::verb::get) {
    if (path != "/admin/drift") {
      auto e = Error::not_found("Unknown endpoint: GET " + std::string(path));
      co_await ex.send_error(e);
      co_return;
    }
    co_await serve_report(ex, services, *services.drift);
    co_return;
  }
  std::string_view action = path.size() > 13 ? path.substr(13) : std::string_view();  // after "/admin/drift/"
  co_await serve_action(ex, *services.drift, action);
}

}  // namespace sy::api
