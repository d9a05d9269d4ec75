#pragma once
// A whole message, head and body, as the one buffer of bytes Beast's serializer sends for it.
// beast::http::async_write walks a composed buffer sequence (start line, each field, the body)
// through prefix and suffix views on every send, which costs more than the bytes themselves; one
// copy into a string, written with one async_write, sends the same bytes for a fraction. The head
// comes from Beast's own field writer, so the bytes are Beast's. Not for a chunked message (Beast
// frames its body), which callers leave to async_write.
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_range.hpp>

#include "http/types.h"

namespace sy::http {

namespace detail {

template <class Buffers>
std::string head_and_body(const Buffers& head, const std::string& body) {
  std::string out;
  out.reserve(net::buffer_size(head) + body.size());
  for (auto b : beast::buffers_range_ref(head)) out.append(static_cast<const char*>(b.data()), b.size());
  out += body;
  return out;
}

}  // namespace detail

template <bool isRequest>
std::string message_bytes(const bhttp::message<isRequest, bhttp::string_body>& m) {
  // The writer's buffers point into the writer itself: it stays where it was made.
  if constexpr (isRequest) {
    bhttp::fields::writer head(m.base(), m.version(), m.method());
    return detail::head_and_body(head.get(), m.body());
  } else {
    bhttp::fields::writer head(m.base(), m.version(), m.result_int());
    return detail::head_and_body(head.get(), m.body());
  }
}

}  // namespace sy::http
