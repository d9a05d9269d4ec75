#pragma once
// A Redis connection for state that replicas share (rate limits, budgets, the response cache).
//
// Why a thread of its own rather than hiredis's async API on the I/O threads: switchyard runs one
// io_context per I/O thread, so an async connection would be one per thread (N connections, N
// script loads, N reconnect loops) or a strand every caller hops to. One thread that owns one
// blocking hiredis context is simpler to get right, and it pipelines: whatever is queued when it
// wakes goes out in one write and its replies are read in order. Callers never wait on it: submit()
// takes a mutex for a queue push (or fails at once while Redis is down) and the callback comes
// from the connection thread, which the awaiting side posts back to its own executor.
//
// Every wait is bounded: connecting by connect_timeout, each reply by command_timeout (a socket
// timeout: past it the connection is dropped and made again), a queued command by command_timeout
// before it is sent. While the connection is down, commands fail at once (no queue builds up) and
// the thread reconnects with exponential backoff (from 50 ms up to max_backoff).
//
// Scripts are registered before start() and loaded (SCRIPT LOAD) on every connect; eval() sends
// EVALSHA, and on NOSCRIPT (a SCRIPT FLUSH, a failover) sends the script itself once.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

struct redisContext;

namespace sy::store {

struct RedisOptions {
  std::string url;  // redis://[[user]:password@]host[:port][/db]
  std::chrono::milliseconds connect_timeout{250};
  std::chrono::milliseconds command_timeout{250};
  std::chrono::milliseconds max_backoff{5000};
  size_t max_queue = 10000;  // more commands waiting than this: refused at once
};

// The parts of redis://... a connection needs.
struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;
  std::string password;
};
core::Result<RedisAddress> parse_redis_url(const std::string& url);

// One reply, flattened: arrays hold their elements; an error reply is a core::Error instead.
struct RedisReply {
  enum class Kind { nil, integer, string, array };
  Kind kind = Kind::nil;
  int64_t integer = 0;
  std::string text;
  std::vector<RedisReply> elements;
};

class RedisClient {
 public:
  using Callback = std::function<void(core::Result<RedisReply>)>;
  using StateListener = std::function<void(bool up, const std::string& why)>;

  struct Stats {
    std::atomic<uint64_t> ok{0}, errors{0}, unavailable{0}, timeouts{0}, connects{0}, connect_failures{0};
  };

  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Before start(): a Lua script eval() can run by the index returned.
  size_t add_script(std::string body);
  // Called from the connection thread on every change between up and down (not for each retry).
  void on_state_change(StateListener listener) { listener_ = std::move(listener); }
  // Starts the connection thread; the first connect is tried before it returns (bounded by
  // connect_timeout), so a reachable Redis is up when the server starts taking requests.
  void start();
  void stop();

  // Never blocks beyond a mutex: `done` runs on the connection thread (or at once, on this
  // thread, with an `unavailable` error while Redis is down or the queue is full).
  void command(std::vector<std::string> args, Callback done);
  void eval(size_t script, std::vector<std::string> keys, std::vector<std::string> args, Callback done);

  bool up() const { return up_.load(std::memory_order_acquire); }
  const Stats& stats() const { return stats_; }
  const RedisOptions& options() const { return options_; }

 private:
  struct Pending {
    std::vector<std::string> args;
    Callback done;
    std::chrono::steady_clock::time_point deadline;
    int script = -1;  // an EVALSHA of this script: resent as EVAL on NOSCRIPT
  };
  struct ContextFree {
    void operator()(redisContext* c) const;
  };

  void run();
  bool connect(std::string& why);
  void disconnect(const std::string& why);
  void send_batch(std::deque<Pending>& batch);
  core::Result<RedisReply> call(const std::vector<std::string>& args);
  void set_up(bool up, const std::string& why);

  RedisOptions options_;
  RedisAddress address_;
  std::string url_error_;
  std::vector<std::string> scripts_;
  std::vector<std::string> shas_;
  StateListener listener_;
  Stats stats_;

  std::unique_ptr<redisContext, ContextFree> ctx_;  // the connection thread's alone
  std::atomic<bool> up_{false};
  bool ever_reported_ = false;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sy::store
