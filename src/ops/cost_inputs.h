#pragma once
// The planner's inputs from YAML (data/cost/example.yaml documents every key) and the cloud
// model's price from the price table. Unknown keys are refused: a typo must not silently leave
// a default in place.
#include <string>

#include "core/result.h"
#include "ops/cost_plan.h"
#include "ops/pricing.h"

namespace sy::ops::cost {

// Overlays the keys present in `yaml` (the file's text) onto `in`; `source` names it in errors.
core::Status apply_yaml(const std::string& yaml, const std::string& source, Inputs& in);

// Sets in.cloud's prices from the table entry with the longest prefix of in.cloud.model, across
// providers. Error when no entry matches.
core::Status resolve_cloud_prices(const PriceTable& prices, Inputs& in);

}  // namespace sy::ops::cost
