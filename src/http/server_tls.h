#pragma once
// The TLS side of the front door: the files a TLS listener serves with, the context made from
// them, and the holder that lets SIGHUP swap in a fresh context while open connections keep theirs.
#include <atomic>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/result.h"
#include "http/types.h"

namespace sy::http {

struct TlsListenOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8443;  // 0 = any free port; Server::tls_port() tells which
  std::string cert_file;       // PEM chain, leaf first
  std::string key_file;        // PEM private key of the leaf
  std::string client_ca_file;  // set: clients must present a certificate this CA issued (mTLS)
};

using TlsContextPtr = std::shared_ptr<net::ssl::context>;

// TLS 1.2 or later, forward-secret AEAD ciphers only, ALPN http/1.1. An error names the file
// that could not be loaded and why.
core::Result<TlsContextPtr> make_server_tls_context(const TlsListenOptions& options);

// The context new connections handshake with. A connection takes its own reference when it is
// accepted, so swapping the context never touches a connection that is already open.
class TlsContextHolder {
 public:
  explicit TlsContextHolder(TlsContextPtr context) : current_(std::move(context)) {}
  TlsContextPtr current() const { return current_.load(std::memory_order_acquire); }
  void replace(TlsContextPtr context) { current_.store(std::move(context), std::memory_order_release); }

 private:
  std::atomic<TlsContextPtr> current_;
};

}  // namespace sy::http
