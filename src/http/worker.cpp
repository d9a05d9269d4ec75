#include "http/worker.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/session.h"

namespace sy::http {

namespace {

// Named coroutine taking its state by value: the session lives exactly as long as this frame.
awaitable<void> run_session(Worker& worker, net::ip::tcp::socket socket) {
  Session session(worker, std::move(socket));
  co_await session.run();
}

}  // namespace

Worker::Worker(Server& server) : server_(server), acceptor_(ioc_) {}

core::Status Worker::bind(const net::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) {
    int one = 1;
    if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      ec = boost::system::error_code(errno, boost::system::system_category());
    }
  }
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error::unavailable("cannot listen on " + endpoint.address().to_string() + ":" +
                                    std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return core::Ok{};
}

uint16_t Worker::local_port() const { return acceptor_.local_endpoint().port(); }

void Worker::run() {
  net::co_spawn(ioc_, accept_loop(), net::detached);
  ioc_.run();
}

awaitable<void> Worker::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::as_tuple(net::use_awaitable));
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) break;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    boost::system::error_code ignored;
    socket.set_option(net::ip::tcp::no_delay(true), ignored);
    net::co_spawn(ioc_, run_session(*this, std::move(socket)), net::detached);
  }
}

void Worker::drain() {
  net::post(ioc_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto* s : sessions_) s->close_if_idle();
  });
}

}  // namespace sy::http
