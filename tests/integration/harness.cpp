#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/json.hpp>

#include "core/utf8.h"

#include <openssl/ssl.h>

namespace sy::testing {

namespace fs = std::filesystem;
namespace beast = boost::beast;

// ---------------------------------------------------------------- fake upstream

void FakeConnection::send(int status, const std::string& body, const std::map<std::string, std::string>& headers,
                          const std::string& content_type) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, content_type);
  for (const auto& [k, v] : headers) res.set(k, v);
  res.body() = body;
  res.keep_alive(true);
  res.prepare_payload();
  boost::system::error_code ec;
  with_stream([&](auto& s) { bhttp::write(s, res, ec); });
}

bool FakeConnection::start_stream(int status, const std::string& content_type) {
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, content_type);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  boost::system::error_code ec;
  with_stream([&](auto& s) { bhttp::write_header(s, sr, ec); });
  return !ec;
}

bool FakeConnection::send_chunk(const std::string& bytes) {
  boost::system::error_code ec;
  with_stream([&](auto& s) { net::write(s, bhttp::make_chunk(net::buffer(bytes)), ec); });
  return !ec;
}

bool FakeConnection::end_stream() {
  boost::system::error_code ec;
  with_stream([&](auto& s) { net::write(s, bhttp::make_chunk_last(), ec); });
  return !ec;
}

void FakeConnection::reset() {
  boost::system::error_code ec;
  socket().set_option(net::socket_base::linger(true, 0), ec);
  socket().close(ec);
}

void FakeConnection::close() {
  boost::system::error_code ec;
  socket().shutdown(tcp::socket::shutdown_both, ec);
  socket().close(ec);
}

void FakeConnection::read(beast::flat_buffer& buffer, bhttp::request<bhttp::string_body>& req,
                          boost::system::error_code& ec) {
  with_stream([&](auto& s) { bhttp::read(s, buffer, req, ec); });
}

FakeUpstream::FakeUpstream(Script script) : script_(std::move(script)), acceptor_(ioc_) { start(); }

FakeUpstream::FakeUpstream(Script script, const TlsFiles& tls) : script_(std::move(script)), acceptor_(ioc_) {
  tls_context_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  tls_context_->use_certificate_chain_file(tls.cert_chain_file);
  tls_context_->use_private_key_file(tls.key_file, net::ssl::context::pem);
  start();
}

void FakeUpstream::start() {
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      ++accepted_;
      std::lock_guard lock(mu_);
      connection_threads_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  });
}

std::string FakeUpstream::last_sni() const {
  std::lock_guard lock(mu_);
  return last_sni_;
}

FakeUpstream::~FakeUpstream() {
  stopping_ = true;
  boost::system::error_code ec;
  // Wake the blocking accept with a connection of our own, then close.
  {
    tcp::socket poke(ioc_);
    poke.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
  }
  accept_thread_.join();
  acceptor_.close(ec);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(connection_threads_);
  }
  for (auto& t : threads) t.join();
}

void FakeUpstream::serve(tcp::socket socket) {
  // The gateway may keep this connection for later requests; a read timeout ends idle ones.
  timeval tv{2, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (!tls_context_) {
    FakeConnection conn(std::move(socket));
    serve_connection(conn);
    return;
  }
  auto tls = std::make_unique<tls_stream>(std::move(socket), *tls_context_);
  boost::system::error_code ec;
  tls->handshake(net::ssl::stream_base::server, ec);
  {
    const char* sni = SSL_get_servername(tls->native_handle(), TLSEXT_NAMETYPE_host_name);
    std::lock_guard lock(mu_);
    last_sni_ = sni ? sni : "";
  }
  if (ec) {
    ++tls_handshake_failures_;
    return;
  }
  ++tls_handshakes_;
  FakeConnection conn(std::move(tls));
  serve_connection(conn);
}

void FakeUpstream::serve_connection(FakeConnection& conn) {
  beast::flat_buffer buffer;
  while (!stopping_ && conn.socket().is_open()) {
    bhttp::request<bhttp::string_body> req;
    boost::system::error_code ec;
    conn.read(buffer, req, ec);
    if (ec) break;
    ReceivedRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    r.body = req.body();
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
    }
    script_(r, conn);
  }
}

std::vector<ReceivedRequest> FakeUpstream::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

// ---------------------------------------------------------------- test PKI

namespace {
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}
}  // namespace

TestPki::TestPki() {
  char tmpl[] = "/tmp/switchyard-pki-XXXXXX";
  if (!mkdtemp(tmpl)) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj '/CN=switchyard test CA' -keyout " + shell_quote(dir_ + "/ca.key") + " -out " + shell_quote(ca_file()));
}

TestPki::~TestPki() {
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

bool TestPki::run(const std::string& command) {
  if (!error_.empty()) return false;
  auto log = dir_ + "/openssl.log";
  int rc = std::system((command + " >>" + shell_quote(log) + " 2>&1").c_str());
  if (rc != 0) {
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    error_ = "'" + command + "' failed (" + std::to_string(rc) + "): " + ss.str();
    return false;
  }
  return true;
}

TlsFiles TestPki::issue(const std::string& name, const std::string& common_name, const std::string& san) {
  auto base = dir_ + "/" + name;
  std::ofstream(base + ".ext") << "subjectAltName=" << san << "\nbasicConstraints=CA:FALSE\n"
                               << "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n";
  bool ok = run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj " +
                shell_quote("/CN=" + common_name) + " -keyout " + shell_quote(base + ".key") + " -out " +
                shell_quote(base + ".csr")) &&
            run("openssl x509 -req -days 2 -in " + shell_quote(base + ".csr") + " -CA " + shell_quote(ca_file()) +
                " -CAkey " + shell_quote(dir_ + "/ca.key") + " -CAcreateserial -CAserial " +
                shell_quote(dir_ + "/ca.srl") + " -extfile " + shell_quote(base + ".ext") + " -out " +
                shell_quote(base + ".pem"));
  if (!ok) return {};
  return {base + ".pem", base + ".key"};
}

// ---------------------------------------------------------------- the binary

Switchyard::Switchyard(const std::string& yaml) {
  char tmpl[] = "/tmp/switchyard-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  std::ofstream(dir_ + "/config.yaml") << "listen: 127.0.0.1:0\n" << yaml;
  auto ready = dir_ + "/ready";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = ::open((dir_ + "/log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(SWITCHYARD_BINARY, SWITCHYARD_BINARY, "serve", "--config", (dir_ + "/config.yaml").c_str(), "--ready-file",
          ready.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  eventually([&] {
    std::ifstream in(ready);
    std::string addr;
    if (!(in >> addr)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // it died: stop waiting
        exited_ = true;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
      }
      return false;
    }
    port_ = static_cast<uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
    return true;
  }, 10s);
}

Switchyard::~Switchyard() {
  if (pid_ > 0 && !exited_) {
    // A gateway that died on its own during the test crashed (an abort after the response went
    // out passes every check on the response): fail the test, with its log.
    int status = 0;
    if (!terminated_ && waitpid(pid_, &status, WNOHANG) == pid_) {
      ADD_FAILURE() << "switchyard exited during the test ("
                    << (WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                          : "signal " + std::to_string(WTERMSIG(status)))
                    << "); its log:\n" << log();
    } else {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void Switchyard::terminate() {
  terminated_ = true;
  if (pid_ > 0 && !exited_) kill(pid_, SIGTERM);
}

void Switchyard::kill_hard() {
  terminated_ = true;
  if (pid_ <= 0 || exited_) return;
  kill(pid_, SIGKILL);
  wait_exit(10s);
}

CommandResult run_switchyard(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  char tmpl[] = "/tmp/switchyard-cmd-XXXXXX";
  int fd = mkstemp(tmpl);
  std::string out_file = tmpl;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv{const_cast<char*>(SWITCHYARD_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SWITCHYARD_BINARY, argv.data());
    _exit(127);
  }
  ::close(fd);
  CommandResult result;
  int status = 0;
  bool done = eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  result.exit_code = done ? (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) : -1;
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  result.output = ss.str();
  ::unlink(out_file.c_str());
  return result;
}

int Switchyard::wait_exit(std::chrono::milliseconds timeout) {
  if (exited_) return exit_code_;
  eventually([&] {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }, timeout);
  return exited_ ? exit_code_ : -1;
}

std::string Switchyard::log() const {
  std::ifstream in(dir_ + "/log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------- client

namespace {

bhttp::request<bhttp::string_body> make_request(uint16_t port, const std::string& method, const std::string& target,
                                                const std::string& body,
                                                const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  return req;
}

template <class Message>
void copy_headers(const Message& m, HttpResult& out) {
  out.status = static_cast<int>(m.result_int());
  for (const auto& f : m) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
}

void connect_with_timeout(tcp::socket& socket, uint16_t port) {
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  timeval tv{15, 0};  // no test waits longer than this for a byte
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

HttpResult http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                        const std::map<std::string, std::string>& headers) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  HttpResult out;
  connect_with_timeout(socket, port);
  bhttp::write(socket, make_request(port, method, target, body, headers));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64u << 20);
  boost::system::error_code ec;
  bhttp::read(socket, buffer, parser, ec);
  if (ec) return out;
  copy_headers(parser.get(), out);
  out.body = parser.get().body();
  return out;
}

HttpResult post_json(uint16_t port, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers) {
  return http_request(port, "POST", target, body, headers);
}

HttpResult stream_request(uint16_t port, const std::string& target, const std::string& body,
                          const std::function<bool(const std::string&, std::chrono::milliseconds)>& on_bytes,
                          const std::map<std::string, std::string>& headers) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  HttpResult out;
  connect_with_timeout(socket, port);
  auto t0 = std::chrono::steady_clock::now();
  bhttp::write(socket, make_request(port, "POST", target, body, headers));
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  bhttp::read_header(socket, buffer, parser, ec);
  if (ec) return out;
  copy_headers(parser.get(), out);
  char piece[8192];
  while (!parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    bhttp::read_some(socket, buffer, parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) break;
    std::string bytes(piece, sizeof piece - parser.get().body().size);
    if (bytes.empty()) continue;
    out.body += bytes;
    auto at = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    if (!on_bytes(bytes, at)) {
      socket.set_option(net::socket_base::linger(true, 0), ec);
      socket.close(ec);
      break;
    }
  }
  return out;
}

// The text as a JSON string, quotes included: a fake upstream must send valid JSON whatever the
// text holds (quotes, backslashes, newlines).
std::string json_string(const std::string& text) { return boost::json::serialize(boost::json::string(text)); }

std::string completion_json(const std::string& content, const std::string& model) {
  return R"({"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":")" + model +
         R"(","system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":)" +
         json_string(content) +
         R"(},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}})";
}

std::string chunk_event(const std::string& content, const std::string& finish_reason) {
  std::string fr = finish_reason.empty() ? "null" : "\"" + finish_reason + "\"";
  return R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[{"index":0,"delta":{"content":)" +
         json_string(content) + R"(},"finish_reason":)" + fr + "}]}\n\n";
}

std::string chat_body(const std::string& model, const std::string& text, bool stream, int max_tokens) {
  boost::json::object o{{"model", model},
                        {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", text}}}},
                        {"max_tokens", max_tokens},
                        {"temperature", 0},
                        {"stream", stream}};
  return boost::json::serialize(o);
}

std::string last_user_content(const std::string& body) {
  auto o = boost::json::parse(body).as_object();
  auto& msgs = o["messages"].as_array();
  return boost::json::value_to<std::string>(msgs.back().as_object()["content"]);
}

void echo_cloud(const ReceivedRequest& req, FakeConnection& c, size_t piece_bytes) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(req.body, ec);
  if (ec || !parsed.is_object()) {
    ADD_FAILURE() << "the fake cloud got a body that is not JSON (" << ec.message() << "): " << req.body;
    c.send(500, R"({"error":{"message":"bad body","type":"server_error"}})");
    return;
  }
  const auto& body = parsed.as_object();
  auto text = "You said: " + last_user_content(req.body);
  if (text.find("[fail-cloud]") != std::string::npos) {
    c.send(500, R"({"error":{"message":"upstream broke","type":"server_error"}})");
    return;
  }
  if (const auto* stream = body.if_contains("stream"); stream && stream->is_bool() && stream->as_bool()) {
    if (!c.start_stream()) return;
    for (size_t i = 0; i < text.size();) {
      size_t n = std::min(piece_bytes, text.size() - i);
      while (i + n < text.size() && core::is_continuation(text[i + n])) ++n;
      if (!c.send_chunk(chunk_event(text.substr(i, n)))) return;
      i += n;
    }
    c.send_chunk(chunk_event("", "stop"));
    c.send_chunk("data: [DONE]\n\n");
    c.end_stream();
    return;
  }
  c.send(200, completion_json(text));
}

std::string streamed_text(const std::string& sse) {
  std::string text;
  std::istringstream lines(sse);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("data: {")) continue;
    auto v = boost::json::parse(line.substr(6));
    if (!v.as_object().contains("choices")) continue;
    for (const auto& c : v.at("choices").as_array()) {
      const auto& delta = c.at("delta").as_object();
      if (auto* content = delta.if_contains("content"); content && content->is_string()) text += content->as_string();
    }
  }
  return text;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

LocalModelBusy::LocalModelBusy(uint16_t port, const std::string& model, const std::string& version) {
  for (int i = 0; i < 2; ++i) {
    // Long enough not to end by themselves while a test works on a loaded machine.
    std::string body = R"({"model":")" + model + R"(","messages":[{"role":"user","content":"story )" + std::to_string(i) +
                       R"("}],"max_tokens":400,"temperature":0,"stream":true})";
    streams_.emplace_back([this, port, body] {
      stream_request(port, "/v1/chat/completions", body, [this](const std::string&, std::chrono::milliseconds) { return !stop_.load(); });
    });
  }
  const std::string queued = "switchyard_local_queue_depth{model=\"" + model + "\",version=\"" + version + "\"} 1";
  full_ = eventually([&] { return http_request(port, "GET", "/metrics").body.find(queued) != std::string::npos; }, 10s);
}

LocalModelBusy::~LocalModelBusy() {
  stop_ = true;
  for (auto& t : streams_) t.join();
}

}  // namespace sy::testing
