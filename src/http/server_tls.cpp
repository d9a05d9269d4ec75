#include "http/server_tls.h"

#include <openssl/ssl.h>

namespace sy::http {

namespace {

// ALPN: this server speaks HTTP/1.1 only. A client that offers only h2 gets no ALPN answer and may
// still go on with HTTP/1.1 (RFC 7301 allows either); one that offers http/1.1 gets it.
int select_http11(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                  unsigned int in_len, void*) {
  static constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kHttp11, sizeof kHttp11, in, in_len) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

core::Error load_failure(const std::string& what, const std::string& file, const boost::system::error_code& ec) {
  return core::Error::invalid_request("listen_tls." + what + " '" + file + "': " + ec.message());
}

}  // namespace

core::Result<TlsContextPtr> make_server_tls_context(const TlsListenOptions& options) {
  auto context = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  auto* native = context->native_handle();
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_compression |
                       net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // TLS 1.3 suites are all AEAD already; for 1.2, ECDHE with AES-GCM or ChaCha20 only.
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                          "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_alpn_select_cb(native, select_http11, nullptr);

  boost::system::error_code ec;
  context->use_certificate_chain_file(options.cert_file, ec);
  if (ec) return load_failure("cert", options.cert_file, ec);
  context->use_private_key_file(options.key_file, net::ssl::context::pem, ec);
  if (ec) return load_failure("key", options.key_file, ec);
  if (SSL_CTX_check_private_key(native) != 1) {
    return core::Error::invalid_request("listen_tls.key '" + options.key_file + "' does not match the certificate in '" +
                                        options.cert_file + "'");
  }
  if (!options.client_ca_file.empty()) {
    context->load_verify_file(options.client_ca_file, ec);
    if (ec) return load_failure("client_ca", options.client_ca_file, ec);
    // Tell clients which CA to pick a certificate from.
    if (auto* names = SSL_load_client_CA_file(options.client_ca_file.c_str())) SSL_CTX_set_client_CA_list(native, names);
    context->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

}  // namespace sy::http
