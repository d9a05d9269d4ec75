#pragma once
// Hands events from another thread (the engine's) to one coroutine on an Asio executor. The
// producer pushes under a short lock and posts one wake-up per batch of events; the coroutine
// sleeps on a timer that the wake-up cancels. No event is lost: the consumer always looks at the
// queue, under the lock, before it sleeps, and a wake-up can only run while it sleeps or later.
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/types.h"

namespace sy::http {

template <class T>
class EventQueue : public std::enable_shared_from_this<EventQueue<T>> {
 public:
  explicit EventQueue(boost::asio::any_io_executor executor) : executor_(executor), timer_(executor) {}

  // Any thread.
  void push(T item) {
    {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(item));
    }
    if (!wake_posted_.exchange(true)) {
      boost::asio::post(executor_, [self = this->shared_from_this()] { self->timer_.cancel(); });
    }
  }

  // The owning coroutine: everything pushed so far, waiting for at least one item.
  awaitable<std::deque<T>> pop_all() {
    for (;;) {
      // Cleared before looking, so a push that comes after the look posts a fresh wake-up.
      wake_posted_.store(false);
      {
        std::lock_guard lock(mu_);
        if (!items_.empty()) {
          std::deque<T> out;
          out.swap(items_);
          co_return out;
        }
      }
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
      co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

 private:
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer timer_;
  std::mutex mu_;
  std::deque<T> items_;
  std::atomic<bool> wake_posted_{false};
};

}  // namespace sy::http
