#include "http/session.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include "http/message_bytes.h"
#include "http/worker.h"

namespace sy::http {

namespace {
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
}

template <class Stream>
Session<Stream>::Session(Worker& worker, Stream stream) : worker_(worker), stream_(std::move(stream)) {
  worker_.attach(this);
  worker_.open_.fetch_add(1, std::memory_order_relaxed);
  DeadlineSweeper::local(socket().get_executor()).add(this);
}

template <class Stream>
Session<Stream>::~Session() {
  DeadlineSweeper::local(socket().get_executor()).remove(this);
  worker_.detach(this);
  worker_.open_.fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
bool Session<Stream>::draining() const { return worker_.server().draining(); }

template <class Stream>
void Session<Stream>::close_socket() {
  beast::error_code ignored;
  socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

template <class Stream>
void Session<Stream>::close_if_idle() {
  if (idle_) close_socket();
}

template <class Stream>
void Session<Stream>::on_expired() { close_socket(); }

// While the handler works nobody reads the socket, so a client that left would go unnoticed
// until the answer is written. A peek per tick finds it (EOF or error) without consuming a
// pipelined request.
template <class Stream>
void Session<Stream>::on_tick(clock::time_point) {
  if (!handling_ || gone_) return;
  char byte;
  auto n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) mark_gone();
}

template <class Stream>
awaitable<void> Session<Stream>::run() {
  const auto& opt = worker_.server().options();
  bool secured = co_await handshake();
  if (!secured) {
    close_socket();
    co_return;
  }
  bool first = true;
  while (!draining() || first) {
    Request request;
    idle_ = true;
    // A new connection must send its request head promptly; a kept-alive one may idle longer.
    expire_at(clock::now() + (first ? opt.header_timeout : opt.idle_timeout));
    first = false;
    bool got_request = co_await read_request(request);
    expire_never();
    if (!got_request) break;
    started_ = finished_ = gone_ = false;
    gone_hook_ = nullptr;
    keep_alive_ = request.keep_alive();
    co_await serve(request);
    body_permit_.release();
    if (gone_ || !keep_alive_ || !finished_) break;
  }
  body_permit_.release();
  beast::error_code ignored;
  socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  socket().close(ignored);
}

// TLS: the handshake comes first, under the header timeout, as a plain client's request head
// does. A client that fails it (plain HTTP, no or an untrusted client certificate) is closed.
template <class Stream>
awaitable<bool> Session<Stream>::handshake() {
  if constexpr (kTls) {
    expire_at(clock::now() + worker_.server().options().header_timeout);
    auto [ec] = co_await stream_.async_handshake(net::ssl::stream_base::server, kNoThrow);
    expire_never();
    co_return !ec;
  } else {
    co_return true;
  }
}

template <class Stream>
awaitable<bool> Session<Stream>::read_request(Request& request) {
  const auto& opt = worker_.server().options();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(opt.max_header_bytes);
  parser.body_limit(opt.max_body_bytes);
  auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, parser, kNoThrow);
  if (!ec) {
    idle_ = false;
    // A large body waits for its share of the budget before it is read (see http/body_budget).
    if (!parser.is_done()) {
      auto length = parser.content_length();
      uint64_t bytes = length ? *length : opt.max_body_bytes;
      if (bytes > worker_.server().body_budget().threshold() && bytes <= opt.max_body_bytes) {
        expire_never();
        body_permit_ = co_await worker_.server().body_budget().acquire(bytes);
      }
    }
    if (parser.get()[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      expire_at(clock::now() + opt.write_timeout);
      auto [wec, wn] = co_await net::async_write(stream_, net::buffer(kContinue), kNoThrow);
      if (wec) co_return false;
    }
    if (!parser.is_done()) {
      expire_at(clock::now() + opt.body_timeout);
      std::tie(ec, n) = co_await bhttp::async_read(stream_, buffer_, parser, kNoThrow);
    }
  }
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == net::error::bad_descriptor || ec == net::error::connection_reset) {
    co_return false;
  }
  if (ec == bhttp::error::body_limit) {
    // The head was read: its path tells the handler which API's error shape to answer in.
    std::string target(parser.get().target());
    co_await reply_error(413, "The request body is larger than this server accepts.", target);
    co_return false;
  }
  if (ec == bhttp::error::header_limit) {
    co_await reply_error(431, "The request headers are larger than this server accepts.");
    co_return false;
  }
  if (ec) {
    co_await reply_error(400, "The request is not valid HTTP/1.1.");
    co_return false;
  }
  request = parser.release();
  co_return true;
}

template <class Stream>
awaitable<void> Session<Stream>::reply_error(int status, const char* message, std::string_view target) {
  keep_alive_ = false;
  auto res = worker_.server().handler().protocol_error(status, message, target);
  res.keep_alive(false);
  co_await send(std::move(res));
}

template <class Stream>
awaitable<void> Session<Stream>::serve(Request& request) {
  auto& handler = worker_.server().handler();
  handling_ = true;
  try {
    co_await handler.handle(request, *this);
  } catch (const std::exception&) {
    finished_ = false;  // a bug, not a client error: this connection cannot carry another request
  }
  handling_ = false;
  if (!started_ && !gone_) {
    auto res = handler.protocol_error(500, "The server failed to produce a response.", request.target());
    keep_alive_ = false;
    co_await send(std::move(res));
  }
}

template <class Stream>
void Session<Stream>::mark_gone() {
  if (gone_) return;
  gone_ = true;
  if (auto hook = std::move(gone_hook_)) hook();
}

template <class Stream>
template <class Buffers>
awaitable<bool> Session<Stream>::write_all(const Buffers& buffers) {
  if (gone_) co_return false;
  expire_at(clock::now() + worker_.server().options().write_timeout);
  auto [ec, n] = co_await net::async_write(stream_, buffers, kNoThrow);
  expire_never();
  if (ec) mark_gone();
  co_return !ec;
}

// The response head is about to go out: from here on the handler cannot send an error instead.
template <class Stream>
void Session<Stream>::start_response() {
  started_ = true;
  if (draining()) keep_alive_ = false;
}

template <class Stream>
awaitable<bool> Session<Stream>::send(Response response) {
  if (gone_) co_return false;
  start_response();
  response.keep_alive(keep_alive_);
  response.prepare_payload();
  expire_at(clock::now() + worker_.server().options().write_timeout);
  boost::system::error_code ec;
  if (response.chunked()) {
    auto [wec, wn] = co_await bhttp::async_write(stream_, response, kNoThrow);
    ec = wec;
  } else {
    auto bytes = message_bytes(response);
    auto [wec, wn] = co_await net::async_write(stream_, net::buffer(bytes), kNoThrow);
    ec = wec;
  }
  expire_never();
  if (ec) {
    mark_gone();
    co_return false;
  }
  finished_ = true;
  co_return true;
}

template <class Stream>
awaitable<bool> Session<Stream>::begin_stream(ResponseHeader header) {
  if (gone_) co_return false;
  start_response();
  bhttp::response<bhttp::empty_body> res(std::move(header));
  res.keep_alive(keep_alive_);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  expire_at(clock::now() + worker_.server().options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream_, sr, kNoThrow);
  expire_never();
  if (ec) mark_gone();
  co_return !ec;
}

template <class Stream>
awaitable<bool> Session<Stream>::write(std::string_view bytes) {
  if (bytes.empty()) co_return !gone_;
  co_return co_await write_all(bhttp::make_chunk(net::buffer(bytes.data(), bytes.size())));
}

template <class Stream>
awaitable<bool> Session<Stream>::end_stream() {
  bool ok = co_await write_all(bhttp::make_chunk_last());
  if (ok) finished_ = true;
  co_return ok;
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace sy::http
