#pragma once
// The HTTP/1.1 front door: one io_context per I/O thread, each with its own SO_REUSEPORT acceptor,
// so a connection lives on one thread and nothing on the request path takes a lock for it.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "http/body_budget.h"
#include "http/response_writer.h"
#include "http/server_tls.h"

namespace sy::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;            // 0 = any free port; port() tells which after listen()
  int threads = 1;
  uint64_t max_body_bytes = 16ull << 20;
  uint32_t max_header_bytes = 16u << 10;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::milliseconds idle_timeout{75'000};
  std::chrono::milliseconds write_timeout{60'000};
  // Open connections at most; past it a new one is answered 503 at once and closed. 0 = what the
  // descriptor limit allows (its soft limit, less a reserve for upstreams and files).
  size_t max_connections = 0;
  // Bytes of large request bodies (past large_body) taken in and worked on at once (BodyBudget).
  uint64_t max_inflight_body = 16ull << 20;
  uint64_t large_body = 1ull << 20;
  // A TLS listener beside the plain one, served by the same threads with the same limits.
  std::optional<TlsListenOptions> tls;
};

class Worker;

class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();

  core::Status listen();
  uint16_t port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }  // 0 without a TLS listener

  // Loads the TLS files again; new connections use them, open ones keep what they have. On an
  // error the old context stays and the error says why. Thread-safe.
  core::Status reload_tls();
  TlsContextPtr tls_context() const { return tls_ ? tls_->current() : nullptr; }

  // Starts the I/O threads. on_stopped runs (on an I/O thread) once every worker has finished.
  void start(std::function<void()> on_stopped);
  // Stop accepting; idle keep-alive connections close; in-flight requests and streams finish.
  void drain();
  // Stop at once (the drain deadline passed).
  void stop_now();
  void join();

  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  const ServerOptions& options() const { return options_; }
  Handler& handler() { return handler_; }
  BodyBudget& body_budget() { return *body_budget_; }
  size_t open_connections() const;
  size_t max_connections() const { return max_connections_; }
  uint64_t refused_connections() const { return refused_.load(std::memory_order_relaxed); }

 private:
  friend class Worker;
  core::Status listen_tls(const TlsListenOptions& tls);

  ServerOptions options_;
  Handler& handler_;
  uint16_t port_ = 0;
  uint16_t tls_port_ = 0;
  std::unique_ptr<TlsContextHolder> tls_;
  std::atomic<bool> draining_{false};
  std::atomic<int> live_workers_{0};
  size_t max_connections_ = 0;
  std::unique_ptr<BodyBudget> body_budget_;
  std::atomic<uint64_t> refused_{0};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::function<void()> on_stopped_;
};

}  // namespace sy::http
