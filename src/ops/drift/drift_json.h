#pragma once
// The JSON of drift statuses: GET /admin/drift's body, and the webhook's on a state change.
//
//   {"route", "model", "version", "state", "seen", "reference", "window", "feedback", "pinned",
//    "evaluated_at", "signals": [{"signal", "statistic", "value", "warning", "drift", "state",
//    "reference", "current"}, ...]}
// A KS signal also carries "ks_d" (the statistic D; "value" is its p-value).
#include <boost/json.hpp>

#include "ops/drift/drift_monitor.h"

namespace sy::ops::drift {

boost::json::object status_json(const SeriesStatus& s);
// {"event": "drift.state_changed", "from", "to", "series": status_json}
boost::json::object change_json(const StateChange& c);

}  // namespace sy::ops::drift
