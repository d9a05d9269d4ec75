#pragma once
// Coarse deadlines for the sockets of one I/O thread. Arming a timer per read or write costs
// more than the rest of a fast proxied request; instead each connection writes down when it
// must be done, and one timer per thread visits them every tick. A deadline may therefore fire
// up to one tick late, which is fine for timeouts measured in seconds.
#include <chrono>
#include <unordered_set>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sy::http {

class Deadline {
 public:
  using clock = std::chrono::steady_clock;
  virtual ~Deadline() = default;

  void expire_at(clock::time_point t) { at_ = t; }
  void expire_never() { at_ = clock::time_point::max(); }
  clock::time_point expires() const { return at_; }

  // Called on the owning thread once the deadline has passed (the deadline is cleared first).
  virtual void on_expired() = 0;
  // Called every tick while registered, for work that polls (e.g. noticing a client that left).
  virtual void on_tick(clock::time_point) {}

 private:
  clock::time_point at_ = clock::time_point::max();
};

class DeadlineSweeper {
 public:
  static constexpr std::chrono::milliseconds kTick{50};

  // The sweeper of the calling thread, ticking on `executor` (the thread's io_context).
  static DeadlineSweeper& local(const boost::asio::any_io_executor& executor);

  void add(Deadline* d);
  void remove(Deadline* d) { entries_.erase(d); }

 private:
  explicit DeadlineSweeper(const boost::asio::any_io_executor& executor) : timer_(executor) {}
  void schedule();
  void sweep();

  boost::asio::steady_timer timer_;
  std::unordered_set<Deadline*> entries_;
  bool scheduled_ = false;
};

}  // namespace sy::http
