#include "ops/cost_audit.h"

namespace sy::ops::cost {

core::Result<ObservedTraffic> observe_traffic(store::Store& store, int64_t since_ms, int64_t until_ms,
                                              const IsLocal& is_local) {
  ObservedTraffic seen;
  seen.days = static_cast<double>(until_ms - since_ms) / 86'400'000.0;
  auto scanned = store.scan_audit_time(since_ms, until_ms, [&](const store::AuditRow& row) {
    const auto& e = row.entry;
    // Model listings, admin calls and failures are audited too, but no model answered them.
    if (e.target.empty() || e.status >= 400) {
      ++seen.unanswered;
      return true;
    }
    ++seen.queries;
    seen.prompt_tokens += e.prompt_tokens;
    seen.completion_tokens += e.completion_tokens;
    if (is_local(e.target)) {
      ++seen.local_queries;
    } else {
      ++seen.cloud_queries;
      seen.cloud_prompt_tokens += e.prompt_tokens;
      seen.cloud_completion_tokens += e.completion_tokens;
      seen.cloud_cost_micro_usd += e.cost_micro_usd;
    }
    return true;
  });
  if (!scanned) return scanned.error();
  return seen;
}

void apply_observed(const ObservedTraffic& seen, Inputs& in) {
  auto& t = in.traffic;
  if (seen.queries == 0 || seen.days <= 0) {
    t.queries_per_day = 0;
    t.input_tokens = 0;
    t.output_tokens = 0;
    in.hybrid.cloud_share = 0;
    return;
  }
  const auto queries = static_cast<double>(seen.queries);
  t.queries_per_day = queries / seen.days;
  t.input_tokens = static_cast<double>(seen.prompt_tokens) / queries;
  t.output_tokens = static_cast<double>(seen.completion_tokens) / queries;
  in.hybrid.cloud_share = static_cast<double>(seen.cloud_queries) / queries;
}

}  // namespace sy::ops::cost
