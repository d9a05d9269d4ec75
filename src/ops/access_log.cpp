#include "ops/access_log.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "ops/utc_time.h"

namespace sy::ops {

namespace {

// The log is written per request on the hot path, so it is built by hand rather than through a
// JSON tree. Strings are escaped as JSON requires (quotes, backslashes, control characters); runs
// that need nothing are appended whole.
void append_string(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":\"";
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    auto u = static_cast<unsigned char>(value[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(value.substr(run, i - run));
    if (u == '"' || u == '\\') {
      out += '\\';
      out += static_cast<char>(u);
    } else {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      out += esc;
    }
    run = i + 1;
  }
  out.append(value.substr(run));
  out += '"';
}

// Fixed decimals through to_chars: no locale, and a tenth of printf's cost.
void append_number(std::string& out, std::string_view key, double value, int decimals) {
  out += ",\"";
  out += key;
  out += "\":";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  if (ec == std::errc()) out.append(buf, end);
  else out += '0';
}

void append_integer(std::string& out, std::string_view key, int64_t value) {
  out += ",\"";
  out += key;
  out += "\":";
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

}  // namespace

std::string to_json_line(const RequestRecord& r) {
  std::string line;
  line.reserve(512);  // a proxied chat request's line is over 300 bytes
  line += "{\"ts\":\"";
  append_utc_time(line, std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count());
  line += '"';
  append_string(line, "request_id", r.request_id);
  append_string(line, "method", r.method);
  append_string(line, "path", r.path);
  append_integer(line, "status", r.status);
  if (!r.model.empty()) append_string(line, "model", r.model);
  if (!r.target.empty()) append_string(line, "route", r.target);
  if (!r.version.empty()) append_string(line, "version", r.version);
  if (!r.rule.empty()) append_string(line, "rule", r.rule);
  if (!r.privacy.empty()) append_string(line, "privacy", r.privacy);
  if (!r.kinds.empty()) append_string(line, "findings", joined(r.kinds));
  if (r.attempts > 1) append_integer(line, "attempts", r.attempts);
  append_string(line, "key", r.key_name);
  if (r.stream) line += ",\"stream\":true";
  if (!r.cache.empty()) append_string(line, "cache", r.cache);
  if (!r.guard.empty()) append_string(line, "guard", joined(r.guard));
  if (!r.passages.empty()) append_string(line, "passages", joined(r.passages));
  append_number(line, "duration_ms", r.latency_ms, 3);
  if (r.ttft_ms >= 0) append_number(line, "ttft_ms", r.ttft_ms, 3);
  if (r.prompt_tokens || r.completion_tokens) {
    append_integer(line, "prompt_tokens", r.prompt_tokens);
    append_integer(line, "completion_tokens", r.completion_tokens);
  }
  if (r.cost_usd > 0) append_number(line, "cost_usd", r.cost_usd, 8);
  if (!r.error_type.empty()) append_string(line, "error", r.error_type);
  line += "}\n";
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

void AccessLog::write(const RequestRecord& r) {
  if (!out_) return;
  auto line = to_json_line(r);
  // The writer wakes by itself every kFlushEvery; waking it per line would cost a context switch
  // per request on a busy server. Only a large backlog wakes it early.
  bool large;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() < (64u << 20)) pending_ += line;  // a stuck disk must not eat all memory
    large = pending_.size() >= kWakeAtBytes;
  }
  if (large) cv_.notify_one();
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
      cv_.wait_for(lock, kFlushEvery, [this] { return stop_ || pending_.size() >= kWakeAtBytes; });
      batch.swap(pending_);
      if (batch.empty() && stop_) break;
    }
    if (batch.empty()) continue;
    std::fwrite(batch.data(), 1, batch.size(), out_);
    std::fflush(out_);
    batch.clear();
  }
}

}  // namespace sy::ops
