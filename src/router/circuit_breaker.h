#pragma once
// Per-target circuit breaker. After `threshold` failures in a row a target is skipped for
// `open_for`; then one request at a time may probe it (half-open), and a success closes it.
// Called from every I/O thread, so state changes are under a small lock.
#include <chrono>
#include <mutex>

namespace sy::router {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CircuitBreaker(int threshold = 5, std::chrono::milliseconds open_for = std::chrono::seconds(10))
      : threshold_(threshold), open_for_(open_for) {}

  // May a request go to this target now? A half-open breaker says yes to one probe at a time.
  bool allow(Clock::time_point now = Clock::now());
  void record_success();
  void record_failure(Clock::time_point now = Clock::now());
  // A call that ended without a verdict on the target (the client left): a probe it held is free.
  void record_abandoned();
  // Open and still in its open period: requests skip the target.
  bool open(Clock::time_point now = Clock::now()) const;
  // Seconds until a skipped request could try again (at least 1).
  int retry_after_s(Clock::time_point now = Clock::now()) const;

 private:
  enum class State { closed, open, half_open };
  mutable std::mutex mu_;
  State state_ = State::closed;
  int failures_ = 0;
  bool probe_in_flight_ = false;
  Clock::time_point opened_at_{};
  int threshold_;
  std::chrono::milliseconds open_for_;
};

}  // namespace sy::router
