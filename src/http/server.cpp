#include "http/server.h"

#include <sys/resource.h>

#include <algorithm>

#include <boost/asio/ip/address.hpp>

#include "http/worker.h"

namespace sy::http {

namespace {

// What the descriptor limit leaves for client connections: each also needs an upstream connection
// now and then, and the process needs files (the store, logs, models).
size_t connections_allowed() {
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == RLIM_INFINITY) return 65536;
  auto soft = static_cast<size_t>(nofile.rlim_cur);
  return soft > 256 ? (soft - 128) / 2 : std::max<size_t>(soft / 4, 8);
}

}  // namespace

Server::Server(ServerOptions options, Handler& handler) : options_(std::move(options)), handler_(handler) {
  if (options_.threads < 1) options_.threads = 1;
  max_connections_ = options_.max_connections > 0 ? options_.max_connections : connections_allowed();
  body_budget_ = std::make_unique<BodyBudget>(std::max(options_.max_inflight_body, options_.large_body), options_.large_body);
}

Server::~Server() {
  stop_now();
  join();
}

core::Status Server::listen() {
  boost::system::error_code ec;
  auto address = net::ip::make_address(options_.host, ec);
  if (ec) return core::Error::invalid_request("listen address '" + options_.host + "' is not an IP address");
  uint16_t port = options_.port;
  for (int i = 0; i < options_.threads; ++i) {
    auto worker = std::make_unique<Worker>(*this);
    if (auto s = worker->bind({address, port}); !s) return s;
    port = worker->local_port();  // port 0: the others join the port the first one got
    workers_.push_back(std::move(worker));
  }
  port_ = port;
  if (options_.tls) return listen_tls(*options_.tls);
  return core::Ok{};
}

core::Status Server::listen_tls(const TlsListenOptions& tls) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(tls.host, ec);
  if (ec) return core::Error::invalid_request("listen_tls address '" + tls.host + "' is not an IP address");
  auto context = make_server_tls_context(tls);
  if (!context) return context.error();
  tls_ = std::make_unique<TlsContextHolder>(std::move(*context));
  uint16_t port = tls.port;
  for (auto& worker : workers_) {
    if (auto s = worker->bind_tls({address, port}); !s) return s;
    port = worker->local_tls_port();
  }
  tls_port_ = port;
  return core::Ok{};
}

core::Status Server::reload_tls() {
  if (!tls_ || !options_.tls) return core::Error::invalid_request("no TLS listener is configured");
  auto context = make_server_tls_context(*options_.tls);
  if (!context) return context.error();
  tls_->replace(std::move(*context));
  return core::Ok{};
}

void Server::start(std::function<void()> on_stopped) {
  on_stopped_ = std::move(on_stopped);
  live_workers_ = static_cast<int>(workers_.size());
  for (auto& w : workers_) {
    threads_.emplace_back([this, worker = w.get()] {
      worker->run();
      if (live_workers_.fetch_sub(1) == 1 && on_stopped_) on_stopped_();
    });
  }
}

void Server::drain() {
  if (draining_.exchange(true)) return;
  for (auto& w : workers_) w->drain();
}

void Server::stop_now() {
  for (auto& w : workers_) w->stop();
}

void Server::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t Server::open_connections() const {
  size_t n = 0;
  for (const auto& w : workers_) n += w->open_connections();
  return n;
}

}  // namespace sy::http
