#pragma once
// How many bytes of large request bodies the server takes in at once. A body past `threshold`
// (known from Content-Length, or the body limit when chunked) must fit in the budget before it is
// read; until then it waits in the client's socket (the kernel's buffers, then TCP flow control),
// and the server holds nothing for it. The permit is held while the request is worked on, which is
// when a body costs most (the JSON tree and the parsed request are several times its size), so
// the memory of many large requests at once is bounded by the budget, not by their number. When
// the last large request ends, the heap's free memory goes back to the system.
//
// Shared by every I/O thread: waiters are woken on their own thread, first come first served.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "http/event_queue.h"
#include "http/types.h"

namespace sy::http {

class BodyBudget {
 public:
  BodyBudget(uint64_t capacity, uint64_t threshold) : capacity_(capacity), threshold_(threshold) {}

  class Permit {
   public:
    Permit() = default;
    Permit(Permit&& o) noexcept : budget_(o.budget_), bytes_(o.bytes_) { o.budget_ = nullptr; }
    Permit& operator=(Permit&& o) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }
    void release();

   private:
    friend class BodyBudget;
    Permit(BodyBudget* budget, uint64_t bytes) : budget_(budget), bytes_(bytes) {}
    BodyBudget* budget_ = nullptr;
    uint64_t bytes_ = 0;
  };

  // A permit for a body of `bytes` (nothing to wait for below the threshold). A body larger than
  // the whole budget takes all of it.
  awaitable<Permit> acquire(uint64_t bytes);
  uint64_t threshold() const { return threshold_; }
  uint64_t in_use() const;

 private:
  struct Waiter {
    uint64_t bytes;
    std::shared_ptr<EventQueue<bool>> wake;
  };
  void release(uint64_t bytes);

  const uint64_t capacity_;
  const uint64_t threshold_;
  mutable std::mutex mu_;
  uint64_t used_ = 0;
  std::deque<Waiter> waiters_;
};

}  // namespace sy::http
