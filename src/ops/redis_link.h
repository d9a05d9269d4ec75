#pragma once
// The process's one Redis connection (store/redis_client) as the server uses it: made from the
// config's `redis:`, its state changes logged once each (up, down and why), and its series in
// /metrics: switchyard_redis_up, commands by result, connects, and what the limits did while it
// was down (admitted on local counts by fail_open, refused by fail_closed).
#include <atomic>
#include <memory>
#include <string>

#include "config/config.h"
#include "store/redis_client.h"

namespace sy::ops {

class RedisLink {
 public:
  explicit RedisLink(const config::RedisConfig& config);
  ~RedisLink();

  store::RedisClient& client() { return *client_; }
  // Starts the connection (the first connect is tried before it returns, bounded by connect_timeout).
  void start();
  void render_metrics(std::string& out) const;

  // Counted by the limits (ops/shared_limits) and the cache (pipeline/cache/redis_store).
  std::atomic<uint64_t> fail_open{0};      // requests admitted on this process's counts, Redis down
  std::atomic<uint64_t> fail_closed{0};    // requests refused (503), Redis down
  std::atomic<uint64_t> settle_failed{0};  // settlements lost (the reservation ends with its lease)
  std::atomic<uint64_t> cache_errors{0};   // cache lookups and stores that Redis did not answer

 private:
  std::unique_ptr<store::RedisClient> client_;
  std::string where_;  // host:port/db for the log, never the password
};

}  // namespace sy::ops
