#pragma once
// One I/O thread: its io_context, its acceptors (plain, and TLS when configured), and the
// connections it owns.
#include <unordered_set>

#include <boost/asio/ip/tcp.hpp>

#include "http/server.h"

namespace sy::http {

class Connection;
template <class Stream>
class Session;

class Worker {
 public:
  explicit Worker(Server& server);

  core::Status bind(const net::ip::tcp::endpoint& endpoint);
  core::Status bind_tls(const net::ip::tcp::endpoint& endpoint);
  uint16_t local_port() const;
  uint16_t local_tls_port() const;
  void run();                  // on this worker's thread, until drained or stopped
  void drain();                // thread-safe: posts to the worker
  void stop() { ioc_.stop(); }

  // Used by sessions, on this worker's thread.
  void attach(Connection* c) { sessions_.insert(c); }
  void detach(Connection* c) { sessions_.erase(c); }
  Server& server() { return server_; }
  size_t open_connections() const { return open_.load(std::memory_order_relaxed); }

 private:
  awaitable<void> accept_loop(net::ip::tcp::acceptor& acceptor, bool tls);

  Server& server_;
  net::io_context ioc_{1};
  net::ip::tcp::acceptor acceptor_;
  net::ip::tcp::acceptor tls_acceptor_;
  std::unordered_set<Connection*> sessions_;
  std::atomic<size_t> open_{0};
  template <class Stream>
  friend class Session;
};

}  // namespace sy::http
