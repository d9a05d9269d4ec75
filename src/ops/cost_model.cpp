#include "ops/cost_model.h"

namespace sy::ops {

double CostModel::cost_usd(const config::ModelConfig& target, const core::Usage& usage) const {
  if (!target.keeps_data_local()) {
    const auto* price = prices_ ? prices_->find(target) : nullptr;
    return price ? PriceTable::cost_usd(*price, usage) : 0;
  }
  return local_.usd_per_token() * static_cast<double>(usage.total());
}

}  // namespace sy::ops
