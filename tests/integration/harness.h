#pragma once
// Black-box test harness: a scripted fake upstream inside the test (port 0), the real switchyard
// binary as a child process, and a small blocking HTTP client.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace sy::testing {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

using tls_stream = net::ssl::stream<tcp::socket>;

// One accepted connection of the fake upstream, driven by the test's script. Plain TCP, or TLS
// after a completed server handshake.
class FakeConnection {
 public:
  explicit FakeConnection(tcp::socket socket) : socket_(std::move(socket)) {}
  explicit FakeConnection(std::unique_ptr<tls_stream> tls)
      : socket_(tls->get_executor()), tls_(std::move(tls)) {}
  void send(int status, const std::string& body, const std::map<std::string, std::string>& headers = {},
            const std::string& content_type = "application/json");
  // Chunked response head, then chunks; each returns false once the peer is gone.
  bool start_stream(int status = 200, const std::string& content_type = "text/event-stream");
  bool send_chunk(const std::string& bytes);
  bool end_stream();
  void reset();   // RST instead of an answer
  void close();   // FIN, no answer
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : socket_; }
  bool is_tls() const { return tls_ != nullptr; }
  // The next request on this connection (blocking).
  void read(boost::beast::flat_buffer& buffer, bhttp::request<bhttp::string_body>& req,
            boost::system::error_code& ec);

 private:
  template <class F>
  void with_stream(F&& f) {
    if (tls_) f(*tls_);
    else f(socket_);
  }
  tcp::socket socket_;               // unused (closed) when tls_ is set
  std::unique_ptr<tls_stream> tls_;
};

// Certificate and key files (PEM) for a TLS fake upstream.
struct TlsFiles {
  std::string cert_chain_file;
  std::string key_file;
};

// A throwaway PKI made with the openssl CLI in a temporary directory (removed with the object):
// one CA, and server certificates it issues.
class TestPki {
 public:
  TestPki();  // creates the CA; ok() is false (and error() says why) if openssl failed
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  // A leaf certificate signed by the CA. `san` is an openssl subjectAltName value, e.g.
  // "IP:127.0.0.1" or "DNS:other.example". Empty files (and error() set) on failure.
  TlsFiles issue(const std::string& name, const std::string& common_name, const std::string& san);
  const std::string& dir() const { return dir_; }

 private:
  bool run(const std::string& command);
  std::string dir_;
  std::string error_;
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class FakeUpstream {
 public:
  using Script = std::function<void(const ReceivedRequest&, FakeConnection&)>;
  explicit FakeUpstream(Script script);
  // A TLS upstream: every accepted connection does a server handshake with these files first.
  FakeUpstream(Script script, const TlsFiles& tls);
  ~FakeUpstream();

  uint16_t port() const { return port_; }
  bool is_tls() const { return tls_context_ != nullptr; }
  std::string base_url() const {
    return std::string(is_tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/v1";
  }
  // TLS only: handshakes that completed / failed (e.g. the client rejected the certificate), and
  // the server name (SNI) the last client handshake asked for ("" when it sent none).
  int tls_handshakes() const { return tls_handshakes_.load(); }
  int tls_handshake_failures() const { return tls_handshake_failures_.load(); }
  std::string last_sni() const;
  std::vector<ReceivedRequest> requests() const;
  int connections_accepted() const { return accepted_.load(); }
  // Set when a streaming write failed because the peer closed: the cancel reached us.
  bool saw_cancel() const { return cancelled_.load(); }
  void note_cancel() { cancelled_ = true; }

 private:
  void start();
  void serve(tcp::socket socket);
  void serve_connection(FakeConnection& conn);

  Script script_;
  std::unique_ptr<net::ssl::context> tls_context_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::vector<std::thread> connection_threads_;
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;
  std::atomic<int> accepted_{0};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> tls_handshakes_{0};
  std::atomic<int> tls_handshake_failures_{0};
  std::string last_sni_;  // guarded by mu_
};

// The switchyard binary, started with a config whose `listen` is 127.0.0.1:0.
class Switchyard {
 public:
  // `yaml` is everything but `listen`; the harness adds it.
  explicit Switchyard(const std::string& yaml);
  ~Switchyard();

  bool ready() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  void terminate();                                  // SIGTERM
  void kill_hard();                                  // SIGKILL, and waits for it to be gone
  int wait_exit(std::chrono::milliseconds timeout);  // exit code, -1 on timeout
  std::string log() const;                           // its stderr and stdout so far
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }    // its temporary directory (config.yaml, log)
  std::string config_file() const { return dir_ + "/config.yaml"; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool exited_ = false;
  bool terminated_ = false;  // terminate() was called: an exit is expected
  int exit_code_ = -1;
};

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {}, const std::map<std::string, std::string>& headers = {});
HttpResult post_json(uint16_t port, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers = {});

// Reads a streamed response, calling on_bytes for each piece as it arrives with the time since
// the request was sent. on_bytes returning false closes the connection (a client walking away).
HttpResult stream_request(uint16_t port, const std::string& target, const std::string& body,
                          const std::function<bool(const std::string&, std::chrono::milliseconds)>& on_bytes,
                          const std::map<std::string, std::string>& headers = {});

// A chat.completion body and an SSE chunk as OpenAI sends them.
std::string completion_json(const std::string& content, const std::string& model = "gpt-test");
std::string chunk_event(const std::string& content, const std::string& finish_reason = {});

// A chat completion request with one user message, and that message read back from a body.
std::string chat_body(const std::string& model, const std::string& text, bool stream = false, int max_tokens = 4);
std::string last_user_content(const std::string& body);

// A fake OpenAI-compatible cloud that echoes the last user message as "You said: ...", whole or
// streamed in pieces of about `piece_bytes` (cut between characters), or answers 500 when the text
// holds "[fail-cloud]". A body that is not JSON fails the test: the gateway must always send JSON.
void echo_cloud(const ReceivedRequest& req, FakeConnection& c, size_t piece_bytes);

// The text an OpenAI stream's content deltas add up to.
std::string streamed_text(const std::string& sse);

// Runs the switchyard binary with `args` (no shell) and returns its exit code and its output
// (stdout and stderr together). Bounded by `timeout`: a command still running then is killed.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_switchyard(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 60s);

// Polls until pred() holds or the timeout passes.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// A local model with one slot and one queue place, kept full by two long streams until this goes
// out of scope (the streams are then cut). `full()` says whether both took their places in time.
class LocalModelBusy {
 public:
  LocalModelBusy(uint16_t port, const std::string& model, const std::string& version = "v1");
  ~LocalModelBusy();
  bool full() const { return full_; }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> streams_;
  bool full_ = false;
};

}  // namespace sy::testing
