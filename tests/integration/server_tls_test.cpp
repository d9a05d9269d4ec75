// The HTTPS listener (listen_tls): chat over TLS, a plain client refused, mutual TLS, and SIGHUP
// swapping the certificate for new connections while a kept-alive one goes on. Certificates come
// from a CA made at test time (TestPki).
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <openssl/x509.h>

#include "harness.h"

namespace sy::testing {
namespace {

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-client"}};
const std::string kChat = R"({"model":"cloud","messages":[{"role":"user","content":"hi"}]})";

// An HTTPS client whose every step is bounded in time (async operations under run_for).
class TlsClient {
 public:
  TlsClient(const std::string& ca_file, const std::optional<TlsFiles>& client_cert = std::nullopt)
      : context_(net::ssl::context::tls_client) {
    context_.load_verify_file(ca_file);
    context_.set_verify_mode(net::ssl::verify_peer);
    if (client_cert) {
      context_.use_certificate_chain_file(client_cert->cert_chain_file);
      context_.use_private_key_file(client_cert->key_file, net::ssl::context::pem);
    }
    // Made last: an SSL object copies its context's certificate when it is created.
    stream_ = std::make_unique<tls_stream>(ioc_, context_);
    static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_set_alpn_protos(stream_->native_handle(), kAlpn, sizeof kAlpn);
  }

  // Connects and handshakes; the error is empty on success.
  std::string connect(uint16_t port) {
    boost::system::error_code ec = net::error::timed_out;
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
    stream_->next_layer().async_connect(ep, [&](boost::system::error_code e) {
      if (e) {
        ec = e;
        return;
      }
      stream_->async_handshake(net::ssl::stream_base::client, [&](boost::system::error_code h) { ec = h; });
    });
    run();
    return ec ? ec.message() : std::string();
  }

  // One request on this connection (kept alive); status 0 when no answer came.
  HttpResult request(const std::string& target, const std::string& body) {
    bhttp::request<bhttp::string_body> req(bhttp::verb::post, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : kAuth) req.set(k, v);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    bhttp::response<bhttp::string_body> res;
    boost::system::error_code ec = net::error::timed_out;
    bhttp::async_write(*stream_, req, [&](boost::system::error_code e, size_t) {
      if (e) {
        ec = e;
        return;
      }
      bhttp::async_read(*stream_, buffer_, res, [&](boost::system::error_code r, size_t) { ec = r; });
    });
    run();
    HttpResult out;
    if (ec) return out;
    out.status = res.result_int();
    out.body = res.body();
    return out;
  }

  std::string peer_common_name() {
    X509* cert = SSL_get1_peer_certificate(stream_->native_handle());
    if (!cert) return {};
    char name[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
    X509_free(cert);
    return name;
  }

  std::string alpn() {
    const unsigned char* data = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(stream_->native_handle(), &data, &len);
    return std::string(reinterpret_cast<const char*>(data), len);
  }

 private:
  void run() {
    ioc_.restart();
    ioc_.run_for(5s);
    if (!ioc_.stopped()) {  // timed out: cancel what is pending and let it finish
      boost::system::error_code ignored;
      stream_->next_layer().close(ignored);
      ioc_.restart();
      ioc_.run_for(1s);
    }
  }

  net::io_context ioc_;
  net::ssl::context context_;
  std::unique_ptr<tls_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

auto answer(const std::string& content) {
  return [content](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json(content)); };
}

std::string content_of(const std::string& body) {
  auto at = body.find("\"content\":\"");
  if (at == std::string::npos) return {};
  at += 11;
  return body.substr(at, body.find('"', at) - at);
}

// The ready file's "tls HOST:PORT" line.
uint16_t tls_port_of(const Switchyard& sy) {
  std::ifstream in(sy.dir() + "/ready");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("tls ")) return static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  }
  return 0;
}

class ServerTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.ok()) << pki_.error();
    server_ = pki_.issue("server-first", "switchyard-first", "IP:127.0.0.1");
    ASSERT_TRUE(pki_.ok()) << pki_.error();
    // The files the config names; a reload test overwrites them.
    cert_ = pki_.dir() + "/listen.pem";
    key_ = pki_.dir() + "/listen.key";
    std::filesystem::copy_file(server_.cert_chain_file, cert_);
    std::filesystem::copy_file(server_.key_file, key_);
  }

  std::string config(const std::string& client_ca = "") {
    return "log: {access: off}\n"
           "threads: 2\n"
           "listen_tls: {address: 127.0.0.1:0, cert: " + cert_ + ", key: " + key_ +
           (client_ca.empty() ? "" : ", client_ca: " + client_ca) + "}\n"
           "keys:\n  - {name: tester, key: sk-client, models: [\"*\"]}\n"
           "models:\n  - name: cloud\n    provider: openai_compat\n    base_url: " + up_.base_url() + "\n";
  }

  TestPki pki_;
  TlsFiles server_;
  std::string cert_, key_;
  FakeUpstream up_{answer("over tls")};
};

TEST_F(ServerTls, ChatIsAnsweredOverTls) {
  Switchyard sy(config());
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto port = tls_port_of(sy);
  ASSERT_NE(port, 0) << "no tls line in the ready file";
  TlsClient client(pki_.ca_file());
  ASSERT_EQ(client.connect(port), "") << sy.log();
  EXPECT_EQ(client.alpn(), "http/1.1");
  EXPECT_EQ(client.peer_common_name(), "switchyard-first");
  auto r = client.request("/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(content_of(r.body), "over tls") << r.body;
  // The plain listener goes on beside it.
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", kChat, kAuth).status, 200);
}

TEST_F(ServerTls, PlainHttpToTheTlsPortIsNotAnswered) {
  Switchyard sy(config());
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(tls_port_of(sy), "/v1/chat/completions", kChat, kAuth);
  EXPECT_EQ(r.status, 0) << r.body;
  EXPECT_TRUE(up_.requests().empty());
}

TEST_F(ServerTls, MutualTlsRefusesAClientWithoutACertificate) {
  Switchyard sy(config(pki_.ca_file()));
  ASSERT_TRUE(sy.ready()) << sy.log();
  TlsClient client(pki_.ca_file());
  // TLS 1.3 finishes the client's side before the server checks; the refusal then ends the
  // connection before any answer.
  bool refused = !client.connect(tls_port_of(sy)).empty() || client.request("/v1/chat/completions", kChat).status == 0;
  EXPECT_TRUE(refused);
  EXPECT_TRUE(up_.requests().empty());
}

TEST_F(ServerTls, MutualTlsRefusesACertificateFromAnotherCa) {
  TestPki other;
  ASSERT_TRUE(other.ok()) << other.error();
  auto stranger = other.issue("stranger", "stranger", "DNS:client.example");
  Switchyard sy(config(pki_.ca_file()));
  ASSERT_TRUE(sy.ready()) << sy.log();
  TlsClient client(pki_.ca_file(), stranger);
  bool refused = !client.connect(tls_port_of(sy)).empty() || client.request("/v1/chat/completions", kChat).status == 0;
  EXPECT_TRUE(refused);
  EXPECT_TRUE(up_.requests().empty());
}

TEST_F(ServerTls, MutualTlsAnswersAClientTheCaIssued) {
  auto client_cert = pki_.issue("client", "client-one", "DNS:client.example");
  ASSERT_TRUE(pki_.ok()) << pki_.error();
  Switchyard sy(config(pki_.ca_file()));
  ASSERT_TRUE(sy.ready()) << sy.log();
  TlsClient client(pki_.ca_file(), client_cert);
  ASSERT_EQ(client.connect(tls_port_of(sy)), "") << sy.log();
  auto r = client.request("/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ServerTls, SighupServesTheNewCertificateToNewConnectionsAndKeepsOpenOnes) {
  Switchyard sy(config());
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto port = tls_port_of(sy);
  TlsClient before(pki_.ca_file());
  ASSERT_EQ(before.connect(port), "");
  ASSERT_EQ(before.request("/v1/chat/completions", kChat).status, 200);

  auto second = pki_.issue("server-second", "switchyard-second", "IP:127.0.0.1");
  ASSERT_TRUE(pki_.ok()) << pki_.error();
  std::filesystem::copy_file(second.cert_chain_file, cert_, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(second.key_file, key_, std::filesystem::copy_options::overwrite_existing);
  ASSERT_EQ(::kill(sy.pid(), SIGHUP), 0);

  EXPECT_TRUE(eventually([&] {
    TlsClient after(pki_.ca_file());
    return after.connect(port).empty() && after.peer_common_name() == "switchyard-second";
  }, 5s)) << sy.log();
  TlsClient after(pki_.ca_file());
  ASSERT_EQ(after.connect(port), "");
  EXPECT_EQ(after.request("/v1/chat/completions", kChat).status, 200);

  // The connection opened before the reload still works, with the certificate it started with.
  auto r = before.request("/v1/chat/completions", kChat);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(before.peer_common_name(), "switchyard-first");
}

TEST_F(ServerTls, ReloadOfABadFileKeepsTheOldCertificate) {
  Switchyard sy(config());
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto port = tls_port_of(sy);
  std::ofstream(key_, std::ios::trunc) << "not a key\n";
  ASSERT_EQ(::kill(sy.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return sy.log().find("not reloaded") != std::string::npos; }, 5s)) << sy.log();
  TlsClient client(pki_.ca_file());
  ASSERT_EQ(client.connect(port), "") << sy.log();
  EXPECT_EQ(client.peer_common_name(), "switchyard-first");
  EXPECT_EQ(client.request("/v1/chat/completions", kChat).status, 200);
}

TEST_F(ServerTls, CheckConfigRejectsAKeyThatDoesNotMatchTheCertificate) {
  auto other = pki_.issue("other", "other", "IP:127.0.0.1");
  std::filesystem::copy_file(other.key_file, key_, std::filesystem::copy_options::overwrite_existing);
  auto dir = pki_.dir() + "/cfg";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.yaml") << "listen: 127.0.0.1:0\nprices: ''\n" << config();
  auto r = run_switchyard({"check-config", "--config", dir + "/config.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("listen_tls.key"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace sy::testing
