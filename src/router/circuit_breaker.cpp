#include "router/circuit_breaker.h"

#include <algorithm>

namespace sy::router {

bool CircuitBreaker::allow(Clock::time_point now) {
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::closed: return true;
    case State::open:
      if (now - opened_at_ < open_for_) return false;
      state_ = State::half_open;
      probe_in_flight_ = true;
      return true;
    case State::half_open:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return true;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mu_);
  state_ = State::closed;
  failures_ = 0;
  probe_in_flight_ = false;
}

void CircuitBreaker::record_failure(Clock::time_point now) {
  std::lock_guard lock(mu_);
  probe_in_flight_ = false;
  if (state_ == State::half_open || ++failures_ >= threshold_) {
    state_ = State::open;
    opened_at_ = now;
  }
}

void CircuitBreaker::record_abandoned() {
  std::lock_guard lock(mu_);
  probe_in_flight_ = false;
}

int CircuitBreaker::retry_after_s(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  auto left = std::chrono::ceil<std::chrono::seconds>(opened_at_ + open_for_ - now).count();
  return static_cast<int>(std::max<int64_t>(left, 1));
}

bool CircuitBreaker::open(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return state_ == State::open && now - opened_at_ < open_for_;
}

}  // namespace sy::router
