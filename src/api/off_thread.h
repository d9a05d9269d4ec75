#pragma once
// Runs blocking work (a store transaction, hashing or loading a model file) on a thread of its
// own and resumes the calling coroutine with its result, so the I/O thread goes on serving. The
// thread holds a ticket of `background`, so a drain waits for it. For rare admin work only: each
// call is one thread.
#include <memory>
#include <thread>
#include <type_traits>

#include <boost/asio/this_coro.hpp>

#include "core/in_flight.h"
#include "http/types.h"
#include "http/event_queue.h"

namespace sy::api {

template <class F>
http::awaitable<std::invoke_result_t<F>> off_thread(core::InFlight& background, F work) {
  using T = std::invoke_result_t<F>;
  auto done = std::make_shared<http::EventQueue<T>>(co_await boost::asio::this_coro::executor);
  std::thread([done, work = std::move(work), ticket = core::InFlight::Ticket(background)]() mutable {
    done->push(work());
  }).detach();
  auto results = co_await done->pop_all();
  co_return std::move(results.front());
}

}  // namespace sy::api
