#pragma once
// What one answer cost: a cloud target's usage at the price table's price, a local (or
// on-premises) target's tokens at the local cost model's price per token.
#include <memory>

#include "config/config.h"
#include "core/chat.h"
#include "ops/pricing.h"

namespace sy::ops {

class CostModel {
 public:
  CostModel(std::shared_ptr<const PriceTable> prices, config::LocalCostModel local)
      : prices_(std::move(prices)), local_(local) {}
  double cost_usd(const config::ModelConfig& target, const core::Usage& usage) const;

 private:
  std::shared_ptr<const PriceTable> prices_;
  config::LocalCostModel local_;
};

inline int64_t micro_usd(double usd) { return static_cast<int64_t>(usd * 1e6 + 0.5); }

}  // namespace sy::ops
