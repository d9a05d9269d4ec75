#pragma once
// An HTTP/1.1 client for upstream providers: per-thread keep-alive pools, TLS with certificate and
// host name verification, connect / first-byte / total deadlines, and bodies read whole or piece
// by piece as they arrive.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "core/result.h"
#include "http/types.h"

namespace sy::http {

struct Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;      // e.g. "/v1", no trailing slash
  std::string host_header;    // host[:port] as the Host header wants it
  std::string pool_key;
  std::shared_ptr<net::ssl::context> tls_context;
};

// Parses http(s)://host[:port][/path]. `ca_file` adds a trust anchor (e.g. a company's own CA).
core::Result<Endpoint> make_endpoint(const std::string& base_url, const std::string& ca_file = {});

struct Deadlines {
  std::chrono::milliseconds connect{5'000};
  std::chrono::milliseconds first_byte{60'000};
  std::chrono::milliseconds idle{60'000};   // between two pieces of the body
  std::chrono::milliseconds total{600'000};
};

struct Connection;

// Lets the caller abort a call from outside (its client left), whenever that happens: while
// resolving, connecting, waiting for the response head, or reading the body. Used on the call's
// own I/O thread (the session's client-gone hook runs there), so it takes no lock.
class Cancel {
 public:
  // Closes the connection the call uses (or will get), so whatever is pending fails at once.
  void cancel();
  bool cancelled() const { return cancelled_; }
  // The call's side: the connection it uses from now on (closed at once if already cancelled),
  // and none once the call is over (the connection may serve another call from the pool then).
  void attach(const std::shared_ptr<Connection>& conn);
  void detach() { conn_.reset(); }

 private:
  std::weak_ptr<Connection> conn_;
  bool cancelled_ = false;
};

class UpstreamCall {
 public:
  // Connects (or reuses a pooled connection), sends the request, and reads the response head.
  // Errors are 502 (unreachable, reset, TLS) or 504 (a deadline passed).
  // `cancel` (optional) aborts it from outside, the head's wait included.
  static awaitable<core::Result<std::unique_ptr<UpstreamCall>>> start(const Endpoint& endpoint, Request request,
                                                                       Deadlines deadlines,
                                                                       std::shared_ptr<Cancel> cancel = nullptr);
  ~UpstreamCall();
  UpstreamCall(const UpstreamCall&) = delete;
  UpstreamCall& operator=(const UpstreamCall&) = delete;

  int status() const;
  std::string_view header(std::string_view name) const;

  awaitable<core::Result<std::string>> read_body(uint64_t limit);
  // The next piece of the body as it arrives; an empty string when the body is complete.
  awaitable<core::Result<std::string>> read_some();
  bool done() const;

  struct Impl;
 private:
  explicit UpstreamCall(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// How many idle pooled connections this thread holds (for tests and metrics).
size_t pooled_connections();

}  // namespace sy::http
