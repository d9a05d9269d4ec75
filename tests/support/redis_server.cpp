#include "support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "support/child_process.h"

namespace sy::testing {

namespace {

namespace fs = std::filesystem;

// Whether a PING on 127.0.0.1:port gets +PONG.
bool answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{0, 200'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::write(fd, "PING\r\n", 6) == 6) {
    char buf[16] = {};
    ok = ::read(fd, buf, sizeof buf - 1) >= 5 && std::string_view(buf).starts_with("+PONG");
  }
  ::close(fd);
  return ok;
}

}  // namespace

RedisServer::RedisServer(std::string binary) : binary_(std::move(binary)) {
  if (binary_.empty()) binary_ = std::getenv("SWITCHYARD_REDIS_SERVER") ? std::getenv("SWITCHYARD_REDIS_SERVER") : "/usr/bin/redis-server";
  if (::access(binary_.c_str(), X_OK) != 0) {
    missing_ = true;
    fail(binary_ + " not found: install redis-server (scripts/setup)");
    return;
  }
  std::error_code ec;
  std::string tmpl = (fs::temp_directory_path(ec) / "switchyard-redis-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    fail("cannot create a temporary directory");
    return;
  }
  dir_ = tmpl;
  for (int attempt = 0; attempt < 3 && !ok_; ++attempt) {
    port_ = free_loopback_port();
    ok_ = start();
  }
}

RedisServer::~RedisServer() {
  kill();
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

bool RedisServer::fail(std::string why) {
  error_ = "Redis test server: " + std::move(why);
  return false;
}

bool RedisServer::start() {
  std::vector<std::string> argv{binary_, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", dir_, "--logfile", dir_ + "/redis.log", "--daemonize", "no", "--protected-mode", "yes"};
  pid_ = spawn_quiet(argv);
  if (pid_ < 0) return fail("cannot fork");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers(port_)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return fail("redis-server exited at start (port " + std::to_string(port_) + " taken?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  return fail("redis-server did not answer within 10 s");
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool RedisServer::restart() {
  kill();
  ok_ = start();
  return ok_;
}

}  // namespace sy::testing
