#pragma once
// Awaits a result that a callback delivers from another thread (the Redis connection's): the
// coroutine resumes on its own executor, never on the thread that called back.
//
//   auto r = co_await await_callback<core::Result<X>>([&](auto deliver) { client.call(..., deliver); });
//
// `start` gets a `deliver(T)` to call once, from any thread (also at once, from inside `start`).
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/types.h"

namespace sy::pipeline {

template <class T, class Start>
http::awaitable<T> await_callback(Start start) {
  // (The handler's value is an optional: the awaitable machinery wants a default-constructible one.)
  auto result = co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(std::optional<T>)>(
      [&start](auto handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        auto held = std::make_shared<decltype(handler)>(std::move(handler));
        start([held, executor](T value) {
          boost::asio::post(executor, [held, value = std::optional<T>(std::move(value))]() mutable { (*held)(std::move(value)); });
        });
      },
      boost::asio::use_awaitable);
  co_return std::move(*result);
}

}  // namespace sy::pipeline
