#pragma once
// One circuit breaker per configured target, made at start (the map never changes, so lookups
// take no lock; each breaker locks itself). A target served through the registry uses its
// deployment's own breaker instead (serving::Deployment: one per version); these are for the rest.
#include <memory>
#include <string>
#include <unordered_map>

#include "config/config.h"
#include "router/circuit_breaker.h"

namespace sy::router {

class Breakers {
 public:
  explicit Breakers(const config::Config& config) {
    for (const auto& m : config.models) {
      breakers_[m.name] = std::make_unique<CircuitBreaker>(m.breaker.failures, m.breaker.open_for);
    }
  }
  CircuitBreaker* find(const std::string& target) const {
    auto it = breakers_.find(target);
    return it == breakers_.end() ? nullptr : it->second.get();
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;
};

}  // namespace sy::router
