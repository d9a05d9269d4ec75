#pragma once
// Work that runs past the request that started it (a shadow copy, a store call on a thread of its
// own): counted, so that a drain can wait for it before the process goes.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace sy::core {

class InFlight {
 public:
  class Ticket {
   public:
    explicit Ticket(InFlight& owner) : owner_(&owner) { owner_->add(); }
    Ticket(Ticket&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (owner_) owner_->done();
    }

   private:
    InFlight* owner_;
  };

  int count() const { return n_.load(); }
  // Waits until nothing is in flight or the timeout passes; true when idle.
  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return idle_.wait_for(lock, timeout, [this] { return n_.load() == 0; });
  }

 private:
  void add() { n_.fetch_add(1); }
  void done() {
    if (n_.fetch_sub(1) == 1) {
      std::lock_guard lock(mu_);
      idle_.notify_all();
    }
  }
  std::atomic<int> n_{0};
  std::mutex mu_;
  std::condition_variable idle_;
};

}  // namespace sy::core
