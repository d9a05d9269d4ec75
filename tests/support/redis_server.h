#pragma once
// A throwaway redis-server for tests: its own temporary directory, a free 127.0.0.1 port, no
// persistence (--save '', no AOF). The destructor stops it by its PID and removes the directory.
//
//   sy::testing::RedisServer redis;
//   if (!redis.ok()) GTEST_SKIP() << redis.error();  // missing(): redis-server not installed
//   ... redis.url() ...
//
// stop() and start() again (on the same port) let a test take Redis away and bring it back.
#include <sys/types.h>

#include <chrono>
#include <string>

namespace sy::testing {

class RedisServer {
 public:
  explicit RedisServer(std::string binary = "");
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return ok_; }
  bool missing() const { return missing_; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string url(int db = 0) const { return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db); }

  // Stops the server (SIGKILL: as a crash looks) and waits for it to exit.
  void kill();
  // Starts it again on the same port; false (error() says why) if it does not answer within 10 s.
  bool restart();

 private:
  bool start();
  bool fail(std::string why);

  std::string binary_;
  std::string dir_;
  std::string error_;
  bool ok_ = false;
  bool missing_ = false;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sy::testing
