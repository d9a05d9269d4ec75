#pragma once
// The response cache as a stage. Before routing, a request that may be cached looks for an
// answer made for the same request in its scope and privacy class: a hit is replayed to the
// client (whole, or as a stream), costs nothing and records what it saved; a miss records the
// answer on its way out (after the output guard) and keeps it once the answer is committed.
//
// Not cached: requests whose temperature is not 0 (unless `sampled`), answers to sensitive
// requests (unless `sensitive`, and then only a local target's), failed or blocked answers.
// Per request: `Cache-Control: no-cache` or `x-switchyard-cache: bypass` skip the lookup (the fresh
// answer is kept); `Cache-Control: no-store` skips both. The answer says x-switchyard-cache:
// hit | miss | bypass.
#include <atomic>
#include <memory>

#include "config/config.h"
#include "ops/cost_model.h"
#include "pipeline/cache/response_store.h"
#include "pipeline/stage.h"

namespace sy::pipeline {

class CacheStage final : public Stage {
 public:
  CacheStage(config::CacheConfig config, std::unique_ptr<ResponseStore> store, const ops::CostModel& costs)
      : config_(std::move(config)), store_(std::move(store)), costs_(costs) {}
  std::string_view name() const override { return "cache"; }
  FilterPtr start(RequestState& state) const override;

  const config::CacheConfig& config() const { return config_; }
  ResponseStore& store() const { return *store_; }
  const ops::CostModel& costs() const { return costs_; }
  void render_metrics(std::string& out) const;

  // Counted by the filters.
  mutable std::atomic<uint64_t> hits{0}, misses{0}, bypasses{0}, stored{0}, saved_micro_usd{0};

 private:
  config::CacheConfig config_;
  std::unique_ptr<ResponseStore> store_;
  const ops::CostModel& costs_;
};

}  // namespace sy::pipeline
