#include "ops/access_log.h"

#include <chrono>
#include <ctime>

#include <boost/json.hpp>

namespace sy::ops {

namespace {
std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}
}  // namespace

std::string to_json_line(const AccessRecord& r) {
  boost::json::object o;
  o["ts"] = utc_now();
  o["request_id"] = r.request_id;
  o["method"] = r.method;
  o["path"] = r.path;
  o["status"] = r.status;
  if (!r.model.empty()) o["model"] = r.model;
  if (!r.route.empty()) o["route"] = r.route;
  o["key"] = r.key_name;
  if (r.stream) o["stream"] = true;
  o["duration_ms"] = static_cast<double>(static_cast<int64_t>(r.duration_ms * 1000)) / 1000;
  if (r.ttft_ms >= 0) o["ttft_ms"] = static_cast<double>(static_cast<int64_t>(r.ttft_ms * 1000)) / 1000;
  if (r.prompt_tokens || r.completion_tokens) {
    o["prompt_tokens"] = r.prompt_tokens;
    o["completion_tokens"] = r.completion_tokens;
  }
  if (!r.error_type.empty()) o["error"] = r.error_type;
  auto line = boost::json::serialize(o);
  line += '\n';
  return line;
}

AccessLog::AccessLog(const std::string& destination) {
  if (destination == "off") return;
  if (destination == "stdout") out_ = stdout;
  else if (destination == "stderr") out_ = stderr;
  else {
    out_ = std::fopen(destination.c_str(), "a");
    owns_ = out_ != nullptr;
    if (!out_) out_ = stderr;
  }
  thread_ = std::thread([this] { run(); });
}

AccessLog::~AccessLog() {
  if (!out_) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  if (owns_) std::fclose(out_);
}

void AccessLog::write(const AccessRecord& r) {
  if (!out_) return;
  auto line = to_json_line(r);
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = pending_.empty();
    if (pending_.size() < (64u << 20)) pending_ += line;  // a stuck disk must not eat all memory
  }
  if (was_empty) cv_.notify_one();
}

void AccessLog::flush() {
  if (!out_) return;
  std::string batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  if (!batch.empty()) std::fwrite(batch.data(), 1, batch.size(), out_);
  std::fflush(out_);
}

void AccessLog::run() {
  std::string batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      batch.swap(pending_);
      if (batch.empty() && stop_) break;
    }
    std::fwrite(batch.data(), 1, batch.size(), out_);
    std::fflush(out_);
    batch.clear();
  }
}

}  // namespace sy::ops
