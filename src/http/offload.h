#pragma once
// CPU-heavy work for one request (reading a very large body, writing one out) on a thread of its
// own, so the I/O thread goes on serving its other connections (/healthz among
// them); the calling coroutine resumes on its own executor with the result. The work must touch
// only what belongs to its request.
#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/types.h"

namespace sy::http {

// What counts as a large request, whose parsing, scanning, writing out and freeing go to the
// offload pool: a body past this many bytes, or a request of more messages than this.
inline constexpr size_t kOffloadBodyBytes = size_t{1} << 20;
inline constexpr size_t kOffloadMessages = 4096;

boost::asio::thread_pool& offload_pool();

namespace detail {
// (co_spawn wants a default-constructible result: the optional is one.)
template <class T>
awaitable<std::optional<T>> run_offloaded(std::function<T()> work) {
  co_return work();
}
}  // namespace detail

template <class F>
awaitable<std::invoke_result_t<F>> offload(F work) {
  using T = std::invoke_result_t<F>;
  auto done = co_await boost::asio::co_spawn(offload_pool(), detail::run_offloaded<T>(std::function<T()>(std::move(work))),
                                             boost::asio::use_awaitable);
  co_return std::move(*done);
}

}  // namespace sy::http
