#include "http/body_budget.h"

#include <algorithm>

#include <boost/asio/this_coro.hpp>

#include "core/heap.h"

namespace sy::http {

BodyBudget::Permit& BodyBudget::Permit::operator=(Permit&& o) noexcept {
  if (this != &o) {
    release();
    budget_ = o.budget_;
    bytes_ = o.bytes_;
    o.budget_ = nullptr;
  }
  return *this;
}

void BodyBudget::Permit::release() {
  if (!budget_) return;
  auto* b = budget_;
  budget_ = nullptr;
  b->release(bytes_);
}

uint64_t BodyBudget::in_use() const {
  std::lock_guard lock(mu_);
  return used_;
}

awaitable<BodyBudget::Permit> BodyBudget::acquire(uint64_t bytes) {
  if (bytes <= threshold_) co_return Permit();
  bytes = std::min(bytes, capacity_);
  std::shared_ptr<EventQueue<bool>> wake;
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty() && used_ + bytes <= capacity_) {
      used_ += bytes;
      co_return Permit(this, bytes);
    }
    wake = std::make_shared<EventQueue<bool>>(co_await boost::asio::this_coro::executor);
    waiters_.push_back({bytes, wake});
  }
  co_await wake->pop_all();  // the releaser counted our bytes in before waking us
  co_return Permit(this, bytes);
}

void BodyBudget::release(uint64_t bytes) {
  std::vector<std::shared_ptr<EventQueue<bool>>> woken;
  {
    std::lock_guard lock(mu_);
    used_ -= bytes;
    while (!waiters_.empty() && used_ + waiters_.front().bytes <= capacity_) {
      used_ += waiters_.front().bytes;
      woken.push_back(std::move(waiters_.front().wake));
      waiters_.pop_front();
    }
  }
  // The large body's tree and request are freed, but the allocator keeps the pages in the cache
  // or arena of the thread that freed them (the offload pool's, the I/O thread's), where the next
  // large body may not look: hand them back before the next one starts. (Milliseconds, after a
  // request that took the better part of a second.)
  core::return_free_heap();
  for (auto& w : woken) w->push(true);
}

}  // namespace sy::http
