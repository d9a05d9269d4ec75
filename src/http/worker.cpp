#include "http/worker.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/session.h"

namespace sy::http {

namespace {

bool out_of_resources(const boost::system::error_code& ec) {
  int e = ec.value();
  return ec.category() == boost::system::system_category() && (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM);
}

// Past the connection cap: a short answer that says so, then the connection closes. The client
// learns at once instead of waiting in the backlog, and the server spends nothing more on it.
awaitable<void> refuse(net::ip::tcp::socket socket) {
  static const std::string kBusy = [] {
    std::string body = R"({"error":{"message":"The server has too many open connections; retry shortly.","type":"service_unavailable"}})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  co_await net::async_write(socket, net::buffer(kBusy), net::as_tuple(net::use_awaitable));
  boost::system::error_code ignored;
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
}

// Named coroutines taking their state by value: the session lives exactly as long as this frame.
awaitable<void> run_session(Worker& worker, net::ip::tcp::socket socket) {
  Session<PlainStream> session(worker, std::move(socket));
  co_await session.run();
}

// The connection keeps the context it was accepted with: a SIGHUP reload swaps the server's
// current context for new connections and leaves this one as it is.
awaitable<void> run_tls_session(Worker& worker, net::ip::tcp::socket socket, TlsContextPtr context) {
  Session<TlsStream> session(worker, TlsStream(std::move(socket), *context));
  co_await session.run();
}

core::Status bind_reuseport(net::ip::tcp::acceptor& acceptor, const net::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) {
    int one = 1;
    if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec = boost::system::error_code(errno, boost::system::system_category());
    }
  }
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error::unavailable("cannot listen on " + endpoint.address().to_string() + ":" +
                                    std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return core::Ok{};
}

}  // namespace

Worker::Worker(Server& server) : server_(server), acceptor_(ioc_), tls_acceptor_(ioc_) {}

core::Status Worker::bind(const net::ip::tcp::endpoint& endpoint) { return bind_reuseport(acceptor_, endpoint); }

core::Status Worker::bind_tls(const net::ip::tcp::endpoint& endpoint) { return bind_reuseport(tls_acceptor_, endpoint); }

uint16_t Worker::local_port() const { return acceptor_.local_endpoint().port(); }

uint16_t Worker::local_tls_port() const { return tls_acceptor_.local_endpoint().port(); }

void Worker::run() {
  net::co_spawn(ioc_, accept_loop(acceptor_, false), net::detached);
  if (tls_acceptor_.is_open()) net::co_spawn(ioc_, accept_loop(tls_acceptor_, true), net::detached);
  ioc_.run();
}

awaitable<void> Worker::accept_loop(net::ip::tcp::acceptor& acceptor, bool tls) {
  net::steady_timer pause(ioc_);
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) break;
      // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): accepting again at once
      // fails again at once, a loop that eats a core. Keep serving what is open, and try again in
      // a moment, when some connection may have closed.
      if (out_of_resources(ec)) {
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(net::as_tuple(net::use_awaitable));
      }
      continue;
    }
    if (server_.open_connections() >= server_.max_connections()) {
      server_.refused_.fetch_add(1, std::memory_order_relaxed);
      // A TLS client could not read a plain 503; it is simply closed.
      if (tls) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        net::co_spawn(ioc_, refuse(std::move(socket)), net::detached);
      }
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(net::ip::tcp::no_delay(true), ignored);
    if (tls) {
      auto context = server_.tls_context();
      net::co_spawn(ioc_, run_tls_session(*this, std::move(socket), std::move(context)), net::detached);
    } else {
      net::co_spawn(ioc_, run_session(*this, std::move(socket)), net::detached);
    }
  }
}

void Worker::drain() {
  net::post(ioc_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    tls_acceptor_.close(ignored);
    for (auto* s : sessions_) s->close_if_idle();
  });
}

}  // namespace sy::http
