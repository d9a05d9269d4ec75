#pragma once
// Shared by the audit tests (unit, store and CLI): a temporary directory, sample records, and a
// chain of them written through the real writer.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "ops/audit_log.h"

namespace sy::testing {

// A fresh directory, removed with the object.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string sqlite_url(const std::string& name = "audit.db") const { return "sqlite:" + file(name); }

 private:
  std::filesystem::path path_;
};

// Record i of a test chain: every field set, values varying with i, one minute apart from
// 2026-11-22T00:00:00Z.
inline ops::RequestRecord sample_record(int i) {
  ops::RequestRecord r;
  r.ts_ms = 1'795'305'600'000 + int64_t{i} * 60'000;
  r.request_id = "req-" + std::to_string(i);
  r.key_name = i % 2 == 0 ? "alice" : "bob";
  r.team = i % 3 == 0 ? "risk" : "support";
  r.method = "POST";
  r.path = "/v1/chat/completions";
  r.model = "auto";
  r.rule = i % 2 == 0 ? "sensitive" : "default";
  r.reasons = {"privacy:" + std::to_string(i % 4), "faq"};
  r.privacy = i % 2 == 0 ? "local_only" : "any";
  if (i % 2 == 0) r.kinds = {"email", "iban"};
  r.target = i % 2 == 0 ? "faq-local" : "cloud-fast";
  r.version = "v" + std::to_string(1 + i % 3);
  r.role = "production";
  r.status = i % 10 == 9 ? 502 : 200;
  if (r.status != 200) r.error_type = "upstream_error";
  r.attempts = 1 + i % 2;
  r.stream = i % 3 == 0;
  r.prompt_tokens = 10 + i;
  r.completion_tokens = 5 + 2 * i;
  r.cost_usd = 0.000123 * i;
  r.latency_ms = 12.5 + i;
  r.ttft_ms = i % 3 == 0 ? 3.25 : -1;
  return r;
}

// Writes records 1..n through an AuditLog on `url`, waiting for all of them; false on any failure.
inline bool write_sample_chain(const std::string& url, int n) {
  auto log = ops::AuditLog::open(url, ops::AuditOptions{});
  if (!log) {
    ADD_FAILURE() << "AuditLog::open(" << url << "): " << log.error().message;
    return false;
  }
  std::atomic<int> failed{0};
  for (int i = 1; i <= n; ++i) {
    (*log)->append(sample_record(i), [&failed](core::Status s) {
      if (!s) ++failed;
    });
  }
  (*log)->flush();
  EXPECT_EQ(failed.load(), 0);
  return failed.load() == 0;
}

}  // namespace sy::testing
