#include "ops/pricing.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

namespace sy::ops {

namespace {

std::string price_provider(config::ProviderKind kind) {
  switch (kind) {
    case config::ProviderKind::openai:
    case config::ProviderKind::azure:
    case config::ProviderKind::openai_compat: return "openai";
    default: return config::to_string(kind);
  }
}

}  // namespace

core::Result<std::shared_ptr<const PriceTable>> PriceTable::load(const std::string& file) {
  auto table = std::make_shared<PriceTable>();
  try {
    auto doc = YAML::LoadFile(file);
    table->as_of_ = doc["as_of"] ? doc["as_of"].as<std::string>() : "";
    for (const auto& entry : doc["models"]) {
      Price p;
      p.provider = entry["provider"].as<std::string>();
      p.model = entry["model"].as<std::string>();
      p.input = entry["input"].as<double>();
      p.output = entry["output"].as<double>();
      p.cached_input = entry["cached_input"] ? entry["cached_input"].as<double>() : p.input;
      if (p.input < 0 || p.output < 0 || p.cached_input < 0) {
        return core::Error::invalid_request(file + ": negative price for " + p.model);
      }
      table->prices_.push_back(std::move(p));
    }
  } catch (const YAML::Exception& e) {
    return core::Error::invalid_request(file + ": " + e.what());
  }
  return std::shared_ptr<const PriceTable>(table);
}

const Price* PriceTable::find(const config::ModelConfig& model) const {
  const std::string provider = price_provider(model.provider);
  const Price* best = nullptr;
  for (const auto& p : prices_) {
    if (p.provider != provider || !model.upstream_model.starts_with(p.model)) continue;
    if (!best || p.model.size() > best->model.size()) best = &p;
  }
  return best;
}

double PriceTable::cost_usd(const Price& price, const core::Usage& usage) {
  double cached = static_cast<double>(std::clamp<int64_t>(usage.cached_tokens, 0, usage.prompt_tokens));
  double fresh = static_cast<double>(usage.prompt_tokens) - cached;
  return (fresh * price.input + cached * price.cached_input + static_cast<double>(usage.completion_tokens) * price.output) / 1e6;
}

}  // namespace sy::ops
