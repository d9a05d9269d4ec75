#pragma once
// How `switchyard cost plan` shows a plan: an aligned table with US dollars and the second
// currency side by side, or one JSON object with every number (exact and rounded).
#include <string>

#include <boost/json/object.hpp>

#include "ops/cost_audit.h"
#include "ops/cost_plan.h"

namespace sy::ops::cost {

// `observed` is the audit traffic the plan was made from, or null for a plan from inputs alone.
std::string render_table(const Inputs& in, const Plan& plan, const ObservedTraffic* observed);
boost::json::object render_json(const Inputs& in, const Plan& plan, const ObservedTraffic* observed);

// 47008 → "47,008"; -1200 → "-1,200".
std::string grouped(int64_t n);

}  // namespace sy::ops::cost
