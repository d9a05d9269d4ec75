#pragma once
// Rate limits and budgets counted in Redis, so every replica sees one count (config `redis:`).
// The same semantics as the per-process ops::Budgets, kept atomic across replicas by two Lua
// scripts (shared_limits_scripts): reserve checks every limit of the key and its team and, only
// if all admit, counts the request in the current second's bucket of a 60-second window and holds
// its estimated cost; settle corrects the tokens to what was used and turns the held cost into
// spend. A reservation a replica never settles (it was killed) is let go after the lease.
//
// Time is Redis's own clock (TIME inside the script), so replicas' clocks do not split a window.
// Spend is seeded from this replica's reading of the store at start, where Redis holds none for
// the month yet (a fresh or restarted Redis).
//
// While Redis cannot be reached (or does not answer within command_timeout) each limit follows its
// policy: fail_closed refuses with 503; fail_open counts in this process (ops::Budgets) instead.
// A request is refused if any limit that applies to it is fail_closed.
#include <atomic>
#include <functional>
#include <string>

#include "config/config.h"
#include "core/principal.h"
#include "core/result.h"
#include "ops/budgets.h"
#include "ops/redis_link.h"

namespace sy::ops {

class SharedLimits {
 public:
  using Done = std::function<void(core::Result<Reservation>)>;

  SharedLimits(const config::RedisConfig& config, RedisLink& link, Budgets& local);
  // Stops the connection first: callbacks still queued (they name this object) run before it goes.
  ~SharedLimits();
  SharedLimits(const SharedLimits&) = delete;
  SharedLimits& operator=(const SharedLimits&) = delete;

  // Reserves (dry: only checks) against the shared counters. `done` may run on the Redis thread.
  void reserve(const core::Principal& who, int64_t tokens, int64_t micro_usd, bool dry, Done done);
  // A shared reservation (r.shared) with what the request used. Never waits.
  void settle(const Reservation& r, int64_t tokens, int64_t micro_usd);

  // The Redis keys of a subject ("key:NAME", "team:NAME") in `month`: window, its seconds, budget, held.
  std::vector<std::string> keys_of(const std::string& subject, int month) const;

 private:
  void fall_back(const core::Principal& who, int64_t tokens, int64_t micro_usd, bool dry,
                 const std::vector<config::UsageLimits>& limits, const core::Error& why, const Done& done);
  std::string next_id();

  const config::RedisConfig& config_;
  RedisLink& link_;
  Budgets& local_;
  size_t reserve_script_ = 0, settle_script_ = 0;
  std::string id_prefix_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace sy::ops
