#pragma once
// What a cloud answer cost, from the provider's own usage fields and a dated price table
// (data/prices.yaml): prompt tokens not served from cache at the input price, cached ones at the
// cached price, completion tokens at the output price.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/chat.h"
#include "core/result.h"

namespace sy::ops {

struct Price {
  std::string provider;  // openai | anthropic | gemini | bedrock (azure uses openai's)
  std::string model;     // a prefix of upstream model names
  double input = 0;      // USD per 1M tokens
  double cached_input = 0;
  double output = 0;
};

class PriceTable {
 public:
  static core::Result<std::shared_ptr<const PriceTable>> load(const std::string& file);

  // The longest matching prefix for the model's provider and upstream name, if any.
  const Price* find(const config::ModelConfig& model) const;
  static double cost_usd(const Price& price, const core::Usage& usage);

  const std::string& as_of() const { return as_of_; }
  size_t size() const { return prices_.size(); }

 private:
  std::vector<Price> prices_;
  std::string as_of_;
};

}  // namespace sy::ops
