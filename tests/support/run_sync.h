#pragma once
// Runs one coroutine to its end on a private io_context and returns its result: how tests drive a
// stage's hooks or a provider directly, without a server.
#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "http/types.h"

namespace sy::testing {

template <class T>
http::awaitable<void> store_into(http::awaitable<T> work, std::optional<T>& out) {
  out.emplace(co_await std::move(work));
}

template <class T>
T run_sync(http::awaitable<T> work) {
  boost::asio::io_context ioc;
  std::optional<T> out;
  boost::asio::co_spawn(ioc, store_into(std::move(work), out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ioc.run();
  return std::move(*out);
}

inline void run_sync(http::awaitable<void> work) {
  boost::asio::io_context ioc;
  boost::asio::co_spawn(ioc, std::move(work), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ioc.run();
}

}  // namespace sy::testing
