#pragma once
// Rate limits and budgets at admission: the request reserves its estimated tokens and cost against
// its key's and team's limits, or is refused with 429. It runs before routing, so the cost is
// estimated at the dearest target the request could reach (of the model or route asked for, and
// allowed for its privacy class); the account stage settles the reservation with what was used.
// With `redis:` the counters are shared by every replica (ops/shared_limits): the reservation is
// a Lua script's round trip, awaited without holding the I/O thread.
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "ops/budgets.h"
#include "ops/cost_model.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class QuotaStage final : public Stage {
 public:
  QuotaStage(const config::Config& config, ops::Budgets& budgets, const ops::CostModel& costs);
  std::string_view name() const override { return "quota"; }
  bool admission() const override { return true; }
  FilterPtr start(RequestState& state) const override;

  // Completion tokens assumed when the request sets no max_tokens; settled with the real count.
  static constexpr int64_t kDefaultCompletion = 256;

  // Reserves (a dry run: only checks) the request's estimate against its key and team, in this
  // process; admit() does the same against the shared counters when there are.
  core::Status check(RequestState& s) const;
  http::awaitable<core::Status> admit(RequestState& s) const;
  bool shared() const { return budgets_.shared() != nullptr; }

 private:
  struct Estimate {
    int64_t tokens = 0;
    int64_t micro_usd = 0;
  };
  Estimate estimate(const RequestState& s) const;
  // What the request may cost at most: the dearest target it can reach.
  int64_t estimate_micro_usd(const RequestState& s, int64_t prompt_tokens, int64_t completion_tokens) const;

  ops::Budgets& budgets_;
  const ops::CostModel& costs_;
  std::map<std::string, std::vector<const config::ModelConfig*>> reachable_;  // model or route -> its targets
  std::unique_ptr<Filter> filter_;  // stateless: one for every request
};

}  // namespace sy::pipeline
