#pragma once
// Rate limits and monthly budgets per key and per team (config `limits`). A request reserves its
// estimated tokens and cost at admission, so concurrent requests cannot overrun a limit together;
// when it ends the reservation is settled with what it really used. Over a limit: 429 in the
// client's format, saying which limit and when to retry.
//
// Counters live in this process; spend since the start of the month is read back from the audit
// rows at start, so a restart does not reset a budget. With `redis:` configured the counters are
// shared by every replica instead (ops/shared_limits): this class then only counts what a limit
// whose policy is fail_open admits while Redis cannot be reached, and settles those reservations.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.h"
#include "core/principal.h"
#include "core/result.h"

namespace sy::store {
class Store;
}

namespace sy::ops {

class SharedLimits;

struct Reservation {
  std::string key;    // key name; "" = no key limits apply
  std::string team;   // "" = no team limits apply
  int64_t tokens = 0;
  int64_t micro_usd = 0;
  int64_t second = 0;  // when it was taken (the rate window bucket to correct)
  int month = 0;
  bool active = false;
  bool shared = false;  // held in Redis (ops/shared_limits), under `id`
  std::string id;
};

// Which limit refused a request.
enum class LimitKind { requests_per_minute = 1, tokens_per_minute = 2, usd_per_month = 3 };

class Budgets {
 public:
  using Clock = std::chrono::system_clock;
  explicit Budgets(const config::Config& config);

  bool any() const { return has_limits_.load(std::memory_order_acquire); }
  // The limits of a key kept in the store (pipeline/auth/key_ring), set when a server first sees
  // it; the counters of a key seen again (a rotated secret, a reload) go on as they were.
  void set_key_limits(const std::string& key_name, const config::UsageLimits& limits);
  core::Status load_spend(store::Store& store);
  core::Result<Reservation> reserve(const core::Principal& who, int64_t tokens, int64_t micro_usd,
                                    Clock::time_point now = Clock::now());
  // Whether reserve() would admit the request now, without holding anything (a dry run).
  core::Status check(const core::Principal& who, int64_t tokens, int64_t micro_usd, Clock::time_point now = Clock::now());
  void settle(Reservation& r, int64_t tokens, int64_t micro_usd);
  // Spend this month (micro-USD, settled) of a key ("key:NAME") or team ("team:NAME").
  int64_t spent(const std::string& subject) const;
  // The limits of a key ("key:NAME") or team ("team:NAME"); none when it has none. A copy: keys
  // kept in the store may be given limits while requests run.
  std::optional<config::UsageLimits> limits_of(const std::string& subject) const;

  // Counters shared through Redis: reservations it made are settled there.
  void share_through(SharedLimits* shared) { shared_ = shared; }
  SharedLimits* shared() const { return shared_; }

  // The 429 a client gets for `kind` (the same words whichever counter refused): `used` is the
  // window's count (rate limits) or the spend and reservations (the budget).
  static core::Error refusal(const std::string& subject, LimitKind kind, const config::UsageLimits& limits, int64_t used,
                             int64_t tokens, int64_t micro_usd, int retry_after_s, int64_t now_s, int month);
  static int month_of(Clock::time_point t);
  static int64_t month_start_ms(int month);

 private:
  struct Window {  // the last 60 seconds, one bucket per second
    std::array<int64_t, 60> requests{};
    std::array<int64_t, 60> tokens{};
    std::array<int64_t, 60> second{};  // which second each bucket holds now
    int64_t sum(const std::array<int64_t, 60>& v, int64_t now) const;
    void add(int64_t now, int64_t requests, int64_t tokens);
    int retry_after(int64_t now) const;
  };
  struct Counter {
    config::UsageLimits limits;
    Window window;
    int month = 0;
    int64_t spent = 0;     // settled, this month
    int64_t reserved = 0;  // held by requests in flight
  };
  // Whether `c` admits the request (starting a new month's spend first if one began).
  static core::Status check_one(const std::string& subject, Counter& c, int64_t tokens, int64_t micro_usd, int64_t second,
                            int month);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Counter> limits_;  // "key:NAME" / "team:NAME"
  // !limits_.empty(), readable without the lock: store keys may add limits while serving.
  std::atomic<bool> has_limits_{false};
  SharedLimits* shared_ = nullptr;
};

}  // namespace sy::ops
