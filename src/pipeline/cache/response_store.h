#pragma once
// Where the response cache keeps its answers: in this process now (MemoryStore); in Redis when
// replicas share it. Awaitable, so a store across the network fits the same stage.
#include <chrono>
#include <memory>
#include <string>

#include "core/chat.h"
#include "http/types.h"

namespace sy::pipeline {

struct CachedAnswer {
  core::ChatResponse answer;  // as the client got it (after the output guard)
  std::string target;         // the model that answered, and its version
  std::string version;
  double cost_usd = 0;        // what the answer cost when it was made: what a hit saves
};

class ResponseStore {
 public:
  virtual ~ResponseStore() = default;
  virtual http::awaitable<std::shared_ptr<const CachedAnswer>> get(const std::string& key) = 0;
  virtual http::awaitable<void> put(const std::string& key, std::shared_ptr<const CachedAnswer> answer,
                                    std::chrono::milliseconds ttl) = 0;
  // Prometheus text: entries, bytes, evictions.
  virtual void render_metrics(std::string& out) const = 0;
};

}  // namespace sy::pipeline
