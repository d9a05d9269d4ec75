#pragma once
// One JSON line per request, written by a background thread so the request path only appends
// to a buffer. Lines carry ids, names, sizes and timings; never keys, prompts or answers.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace sy::ops {

struct AccessRecord {
  std::string request_id;
  std::string method;
  std::string path;
  int status = 0;
  std::string model;
  std::string route;      // the target that answered
  std::string version;    // its registry version
  std::string rule;       // the routing rule that chose it
  std::string privacy;    // any | local_only | redact
  std::string findings;   // privacy kinds found, comma-separated (never the values)
  int attempts = 0;       // targets tried (> 1 = fallback)
  std::string key_name;
  bool stream = false;
  double duration_ms = 0;
  double ttft_ms = -1;    // < 0 = not applicable
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double cost_usd = 0;    // cloud answers, from the provider's usage and the price table
  std::string error_type;
};

class AccessLog {
 public:
  // "stdout", "stderr", "off", or a file path (appended to).
  explicit AccessLog(const std::string& destination);
  ~AccessLog();
  void write(const AccessRecord& r);
  void flush();

 private:
  static constexpr std::chrono::milliseconds kFlushEvery{100};
  static constexpr size_t kWakeAtBytes = 256u << 10;

  void run();
  std::FILE* out_ = nullptr;
  bool owns_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string pending_;
  bool stop_ = false;
  std::thread thread_;
};

std::string to_json_line(const AccessRecord& r);

}  // namespace sy::ops
