#include "http/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/worker.h"

namespace sy::http {

namespace {
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
}

Session::Session(Worker& worker, net::ip::tcp::socket socket) : worker_(worker), stream_(std::move(socket)) {
  worker_.attach(this);
  worker_.open_.fetch_add(1, std::memory_order_relaxed);
}

Session::~Session() {
  worker_.detach(this);
  worker_.open_.fetch_sub(1, std::memory_order_relaxed);
}

bool Session::draining() const { return worker_.server().draining(); }

void Session::close_if_idle() {
  if (idle_) {
    beast::error_code ignored;
    stream_.socket().cancel(ignored);
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  }
}

awaitable<void> Session::run() {
  const auto& opt = worker_.server().options();
  bool first = true;
  while (!draining() || first) {
    Request request;
    idle_ = true;
    // A new connection must send its request head promptly; a kept-alive one may idle longer.
    stream_.expires_after(first ? opt.header_timeout : opt.idle_timeout);
    first = false;
    bool got_request = co_await read_request(request);
    if (!got_request) break;
    idle_ = false;
    started_ = finished_ = gone_ = false;
    gone_hook_ = nullptr;
    keep_alive_ = request.keep_alive();
    co_await serve(request);
    if (gone_ || !keep_alive_ || !finished_) break;
  }
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

awaitable<bool> Session::read_request(Request& request) {
  const auto& opt = worker_.server().options();
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(opt.max_header_bytes);
  parser.body_limit(opt.max_body_bytes);
  auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, parser, kNoThrow);
  if (!ec) {
    idle_ = false;
    if (parser.get()[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(opt.write_timeout);
      auto [wec, wn] = co_await net::async_write(stream_, net::buffer(kContinue), kNoThrow);
      if (wec) co_return false;
    }
    stream_.expires_after(opt.body_timeout);
    std::tie(ec, n) = co_await bhttp::async_read(stream_, buffer_, parser, kNoThrow);
  }
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::connection_reset) {
    co_return false;
  }
  std::string target(parser.get().target());
  if (ec == bhttp::error::body_limit) {
    co_await reply_error(413, "The request body is larger than this server accepts.");
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
  stream_.expires_never();
  co_return true;
}

awaitable<void> Session::reply_error(int status, const char* message) {
  keep_alive_ = false;
  auto res = worker_.server().handler().protocol_error(status, message, {});
  res.keep_alive(false);
  co_await send(std::move(res));
}

awaitable<void> Session::serve(Request& request) {
  using namespace net::experimental::awaitable_operators;
  auto& handler = worker_.server().handler();
  try {
    co_await (handler.handle(request, *this) || watch_client());
  } catch (const std::exception&) {
    // The handler was cancelled because the client left, or failed unexpectedly; either way this
    // connection cannot carry another request.
    finished_ = false;
  }
  if (!started_ && !gone_) {
    auto res = handler.protocol_error(500, "The server failed to produce a response.", request.target());
    co_await send(std::move(res));
    keep_alive_ = false;
  }
}

// Reads from the client while the handler works. Bytes mean a pipelined request (kept for the
// next round); EOF or an error means the client is gone.
awaitable<void> Session::watch_client() {
  auto space = buffer_.prepare(4096);
  auto [ec, n] = co_await stream_.socket().async_read_some(space, kNoThrow);
  if (ec == net::error::operation_aborted) co_return;
  if (ec || n == 0) {
    mark_gone();
    co_return;
  }
  buffer_.commit(n);
  net::steady_timer forever(stream_.get_executor(), net::steady_timer::time_point::max());
  co_await forever.async_wait(kNoThrow);
}

void Session::mark_gone() {
  if (gone_) return;
  gone_ = true;
  if (auto hook = std::move(gone_hook_)) hook();
}

awaitable<bool> Session::send(Response response) {
  if (gone_) co_return false;
  started_ = true;
  if (draining()) keep_alive_ = false;
  response.keep_alive(keep_alive_);
  response.prepare_payload();
  stream_.expires_after(worker_.server().options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, response, kNoThrow);
  stream_.expires_never();
  if (ec) {
    mark_gone();
    co_return false;
  }
  finished_ = true;
  co_return true;
}

awaitable<bool> Session::begin_stream(ResponseHeader header) {
  if (gone_) co_return false;
  started_ = true;
  if (draining()) keep_alive_ = false;
  bhttp::response<bhttp::empty_body> res(std::move(header));
  res.keep_alive(keep_alive_);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  stream_.expires_after(worker_.server().options().write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream_, sr, kNoThrow);
  stream_.expires_never();
  if (ec) mark_gone();
  co_return !ec;
}

awaitable<bool> Session::write(std::string_view bytes) {
  if (gone_) co_return false;
  if (bytes.empty()) co_return true;
  stream_.expires_after(worker_.server().options().write_timeout);
  auto [ec, n] = co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(bytes.data(), bytes.size())), kNoThrow);
  stream_.expires_never();
  if (ec) mark_gone();
  co_return !ec;
}

awaitable<bool> Session::end_stream() {
  if (gone_) co_return false;
  stream_.expires_after(worker_.server().options().write_timeout);
  auto [ec, n] = co_await net::async_write(stream_, bhttp::make_chunk_last(), kNoThrow);
  stream_.expires_never();
  if (ec) {
    mark_gone();
    co_return false;
  }
  finished_ = true;
  co_return true;
}

}  // namespace sy::http
