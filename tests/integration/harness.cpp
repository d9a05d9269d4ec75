#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

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
  bhttp::write(socket_, res, ec);
}

bool FakeConnection::start_stream(int status, const std::string& content_type) {
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, content_type);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  boost::system::error_code ec;
  bhttp::write_header(socket_, sr, ec);
  return !ec;
}

bool FakeConnection::send_chunk(const std::string& bytes) {
  boost::system::error_code ec;
  net::write(socket_, bhttp::make_chunk(net::buffer(bytes)), ec);
  return !ec;
}

bool FakeConnection::end_stream() {
  boost::system::error_code ec;
  net::write(socket_, bhttp::make_chunk_last(), ec);
  return !ec;
}

void FakeConnection::reset() {
  boost::system::error_code ec;
  socket_.set_option(net::socket_base::linger(true, 0), ec);
  socket_.close(ec);
}

void FakeConnection::close() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

FakeUpstream::FakeUpstream(Script script) : script_(std::move(script)), acceptor_(ioc_) {
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
  FakeConnection conn(std::move(socket));
  beast::flat_buffer buffer;
  // The gateway may keep this connection for later requests; a read timeout ends idle ones.
  timeval tv{2, 0};
  ::setsockopt(conn.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  while (!stopping_ && conn.socket().is_open()) {
    bhttp::request<bhttp::string_body> req;
    boost::system::error_code ec;
    bhttp::read(conn.socket(), buffer, req, ec);
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
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void Switchyard::terminate() {
  if (pid_ > 0 && !exited_) kill(pid_, SIGTERM);
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

std::string completion_json(const std::string& content, const std::string& model) {
  return R"({"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":")" + model +
         R"(","system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":")" + content +
         R"("},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}})";
}

std::string chunk_event(const std::string& content, const std::string& finish_reason) {
  std::string fr = finish_reason.empty() ? "null" : "\"" + finish_reason + "\"";
  return R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[{"index":0,"delta":{"content":")" +
         content + R"("},"finish_reason":)" + fr + "}]}\n\n";
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

}  // namespace sy::testing
