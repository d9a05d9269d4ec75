#pragma once
// Real traffic for the planner: what the audit trail says was asked over a window, how much
// went to local models and how much to the cloud, and what the cloud part cost. Its averages
// then stand in for the planner's traffic inputs, so the plan answers "what would this window's
// traffic have cost a month in each mode?".
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "ops/cost_plan.h"
#include "store/store.h"

namespace sy::ops::cost {

struct ObservedTraffic {
  double days = 0;                 // the window's length
  int64_t queries = 0;             // answered requests: a model answered and the status was < 400
  int64_t local_queries = 0;
  int64_t cloud_queries = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cloud_prompt_tokens = 0;
  int64_t cloud_completion_tokens = 0;
  int64_t cloud_cost_micro_usd = 0;  // as recorded when each answer was priced
  int64_t unanswered = 0;            // records with no answering model or an error status
};

using IsLocal = std::function<bool(const std::string& target)>;

// Reads the audit rows with since_ms <= ts < until_ms.
core::Result<ObservedTraffic> observe_traffic(store::Store& store, int64_t since_ms, int64_t until_ms,
                                              const IsLocal& is_local);

// Queries per day over the window, tokens per query on average, and the observed cloud share
// for the hybrid mode. No queries leave the traffic at zero.
void apply_observed(const ObservedTraffic& seen, Inputs& in);

}  // namespace sy::ops::cost
