#include "http/session.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/worker.h"

namespace sy::http {

namespace {
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
}

Session::Session(Worker& worker, net::ip::tcp::socket socket) : worker_(worker), socket_(std::move(socket)) {
  worker_.attach(this);
  worker_.open_.fetch_add(1, std::memory_order_relaxed);
  DeadlineSweeper::local(socket_.get_executor()).add(this);
}

Session::~Session() {
  DeadlineSweeper::local(socket_.get_executor()).remove(this);
  worker_.detach(this);
  worker_.open_.fetch_sub(1, std::memory_order_relaxed);
}

bool Session::draining() const { return worker_.server().draining(); }

void Session::close_socket() {
  beast::error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Session::close_if_idle() {
  if (idle_) close_socket();
}

void Session::on_expired() { close_socket(); }

// While the handler works nobody reads the socket, so a client that left would go unnoticed
// until the answer is written. A peek per tick finds it (EOF or error) without consuming a
// pipelined request.
void Session::on_tick(clock::time_point) {
  if (!handling_ || gone_) return;
  char byte;
  auto n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) mark_gone();
}

awaitable<void> Session::run() {
  const auto& opt = worker_.server().options();
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
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

awaitable<bool> Session::read_request(Request& request) {
  const auto& opt = worker_.server().options();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(opt.max_header_bytes);
  parser.body_limit(opt.max_body_bytes);
  auto [ec, n] = co_await bhttp::async_read_header(socket_, buffer_, parser, kNoThrow);
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
      auto [wec, wn] = co_await net::async_write(socket_, net::buffer(kContinue), kNoThrow);
      if (wec) co_return false;
    }
    if (!parser.is_done()) {
      expire_at(clock::now() + opt.body_timeout);
      std::tie(ec, n) = co_await bhttp::async_read(socket_, buffer_, parser, kNoThrow);
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

awaitable<void> Session::reply_error(int status, const char* message, std::string_view target) {
  keep_alive_ = false;
  auto res = worker_.server().handler().protocol_error(status, message, target);
  res.keep_alive(false);
  co_await send(std::move(res));
}

awaitable<void> Session::serve(Request& request) {
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

void Session::mark_gone() {
  if (gone_) return;
  gone_ = true;
  if (auto hook = std::move(gone_hook_)) hook();
}

template <class Buffers>
awaitable<bool> Session::write_all(const Buffers& buffers) {
  if (gone_) co_return false;
  expire_at(clock::now() + worker_.server().options().write_timeout);
  auto [ec, n] = co_await net::async_write(socket_, buffers, kNoThrow);
  expire_never();
  if (ec) mark_gone();
  co_return !ec;
}

// The response head is about to go out: from here on the handler cannot send an error instead.
void Session::start_response() {
  started_ = true;
  if (draining()) keep_alive_ = false;
}

awaitable<bool> Session::send(Response response) {
  if (gone_) co_return false;
  start_response();
  response.keep_alive(keep_alive_);
  response.prepare_payload();
  expire_at(clock::now() + worker_.server().options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write(socket_, response, kNoThrow);
  expire_never();
  if (ec) {
    mark_gone();
    co_return false;
  }
  finished_ = true;
  co_return true;
}

awaitable<bool> Session::begin_stream(ResponseHeader header) {
  if (gone_) co_return false;
  start_response();
  bhttp::response<bhttp::empty_body> res(std::move(header));
  res.keep_alive(keep_alive_);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  expire_at(clock::now() + worker_.server().options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(socket_, sr, kNoThrow);
  expire_never();
  if (ec) mark_gone();
  co_return !ec;
}

awaitable<bool> Session::write(std::string_view bytes) {
  if (bytes.empty()) co_return !gone_;
  co_return co_await write_all(bhttp::make_chunk(net::buffer(bytes.data(), bytes.size())));
}

awaitable<bool> Session::end_stream() {
  bool ok = co_await write_all(bhttp::make_chunk_last());
  if (ok) finished_ = true;
  co_return ok;
}

}  // namespace sy::http
