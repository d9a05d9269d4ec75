#pragma once
// The audit trail: one record per request, written off the request path by one thread with group
// commit (every record queued while a commit runs goes into the next one), sealed into the store's
// hash chain. In durable mode a record's completion runs only once its transaction is on disk, and
// the gateway acknowledges the request only then; otherwise records are committed within `window`.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "ops/request_record.h"
#include "store/store.h"

namespace sy::ops {

// The canonical JSON object of a record (fixed field order, no seq) and its store entry.
std::string audit_body(const RequestRecord& r);
store::AuditEntry audit_entry(const RequestRecord& r);

struct AuditOptions {
  bool durable = true;
  std::chrono::milliseconds window{100};  // non-durable: the longest a record waits for its commit
  size_t max_batch = 4096;                // records per transaction at most
  size_t max_pending = 200'000;           // beyond this, append fails at once (the store is stuck)
};

struct AuditStats {
  uint64_t records = 0;   // committed
  uint64_t batches = 0;   // transactions committed
  uint64_t failures = 0;  // records whose commit failed
  uint64_t pending = 0;   // queued now
};

class AuditLog {
 public:
  using Done = std::function<void(core::Status)>;
  // Opens its own connection to the store (so commits never wait behind other store users).
  static core::Result<std::unique_ptr<AuditLog>> open(const std::string& store_url, const AuditOptions& options);
  AuditLog(std::unique_ptr<store::Store> store, const AuditOptions& options);
  ~AuditLog();  // commits what is queued, then stops

  // Queues a record. `done` runs on the writer thread once the record's transaction committed
  // (ok) or failed (the error); it must not block.
  void append(RequestRecord record, Done done = {});
  // Blocks until everything queued before the call is committed (or failed).
  void flush();
  AuditStats stats() const;
  // Whether the writer keeps up (in durable mode a stuck writer withholds answers): Prometheus text.
  void render_metrics(std::string& out) const;
  const AuditOptions& options() const { return options_; }

 private:
  struct Pending {
    RequestRecord record;  // serialized by the writer, off the request path
    Done done;
  };
  void run();
  // Waits for the next batch and moves it off the queue; false once stopped and drained.
  bool next_batch(std::vector<store::AuditEntry>& entries, std::vector<Done>& dones);
  // One transaction for the batch, then every completion; false when the commit failed.
  bool commit(const std::vector<store::AuditEntry>& entries, std::vector<Done>& dones);

  std::unique_ptr<store::Store> store_;
  AuditOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;      // the writer: records queued, or stop
  std::condition_variable committed_; // flush(): a batch finished
  std::deque<Pending> queue_;
  std::deque<Pending> taken_;         // the writer's: taken from queue_, not yet committed
  uint64_t enqueued_ = 0;             // records ever queued
  uint64_t finished_ = 0;             // records ever committed or failed
  bool stop_ = false;
  uint64_t flush_target_ = 0;         // flush() waits for records up to here: commit them now
  std::chrono::steady_clock::time_point oldest_;  // when the oldest queued record arrived
  std::atomic<uint64_t> records_{0}, batches_{0}, failures_{0};
  std::thread thread_;
};

}  // namespace sy::ops
