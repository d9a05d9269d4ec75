#include "http/deadline_sweeper.h"

#include <memory>
#include <vector>

namespace sy::http {

DeadlineSweeper& DeadlineSweeper::local(const boost::asio::any_io_executor& executor) {
  thread_local std::unique_ptr<DeadlineSweeper> sweeper;
  // A thread that runs a new io_context (tests do) gets a new sweeper once the old one is idle.
  if (!sweeper || (!sweeper->scheduled_ && sweeper->entries_.empty() && sweeper->timer_.get_executor() != executor)) {
    sweeper.reset(new DeadlineSweeper(executor));
  }
  return *sweeper;
}

void DeadlineSweeper::add(Deadline* d) {
  entries_.insert(d);
  if (!scheduled_) schedule();
}

void DeadlineSweeper::schedule() {
  scheduled_ = true;
  timer_.expires_after(kTick);
  timer_.async_wait([this](boost::system::error_code ec) {
    scheduled_ = false;
    if (ec) return;
    sweep();
    // The timer stops when nothing is registered, so an idle io_context can finish.
    if (!entries_.empty()) schedule();
  });
}

void DeadlineSweeper::sweep() {
  auto now = Deadline::clock::now();
  // Callbacks may add or remove entries (closing a socket ends a session): work on a copy and
  // re-check membership before each call.
  std::vector<Deadline*> snapshot(entries_.begin(), entries_.end());
  for (auto* d : snapshot) {
    if (!entries_.count(d)) continue;
    if (d->expires() <= now) {
      d->expire_never();
      d->on_expired();
    } else {
      d->on_tick(now);
    }
  }
}

}  // namespace sy::http
