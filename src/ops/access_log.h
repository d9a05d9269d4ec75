#pragma once
// One JSON line per request, written by a background thread so the request path only appends
// to a buffer. Lines carry ids, names, sizes and timings; never keys, prompts or answers.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "ops/request_record.h"

namespace sy::ops {

class AccessLog {
 public:
  // "stdout", "stderr", "off", or a file path (appended to).
  explicit AccessLog(const std::string& destination);
  ~AccessLog();
  void write(const RequestRecord& r);
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

std::string to_json_line(const RequestRecord& r);

}  // namespace sy::ops
