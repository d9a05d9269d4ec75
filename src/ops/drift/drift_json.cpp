#include "ops/drift/drift_json.h"

#include <cmath>

#include "ops/utc_time.h"

namespace sy::ops::drift {

namespace json = boost::json;

namespace {
// JSON has no NaN: a statistic that could not be computed is null.
json::value number(double v) { return std::isfinite(v) ? json::value(v) : json::value(nullptr); }
}  // namespace

json::object status_json(const SeriesStatus& s) {
  json::array signals;
  for (const auto& sig : s.signals) {
    json::object o{{"signal", sig.name},
                   {"statistic", to_string(sig.statistic)},
                   {"value", sig.state == State::collecting ? json::value(nullptr) : number(sig.value)},
                   {"warning", sig.warning},
                   {"drift", sig.drift},
                   {"state", to_string(sig.state)},
                   {"reference", sig.reference_n},
                   {"current", sig.current_n}};
    if (sig.statistic == Statistic::ks && sig.state != State::collecting) o["ks_d"] = number(sig.ks_d);
    signals.push_back(std::move(o));
  }
  std::string evaluated;
  if (s.evaluated_ms > 0) append_utc_time(evaluated, s.evaluated_ms);
  return json::object{{"route", s.route},
                      {"model", s.model},
                      {"version", s.version},
                      {"state", to_string(s.state)},
                      {"seen", s.seen},
                      {"reference", s.reference_n},
                      {"window", s.window_n},
                      {"feedback", s.feedback_n},
                      {"pinned", s.pinned},
                      {"evaluated_at", evaluated.empty() ? json::value(nullptr) : json::value(evaluated)},
                      {"signals", std::move(signals)}};
}

json::object change_json(const StateChange& c) {
  return json::object{{"event", "drift.state_changed"},
                      {"from", to_string(c.from)},
                      {"to", to_string(c.status.state)},
                      {"series", status_json(c.status)}};
}

}  // namespace sy::ops::drift
