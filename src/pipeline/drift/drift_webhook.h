#pragma once
// drift.webhook: each change of a series' drift state (ok → warning → drift and back) is POSTed as
// JSON (ops/drift/drift_json: change_json) to one URL. The monitor's evaluation only queues the
// event; a thread of its own sends it, each call bounded by drift.webhook_timeout, one at a time.
// A full queue drops the oldest event (counted): a receiver that is down never holds anything up.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "config/drift_config.h"
#include "core/result.h"
#include "http/upstream.h"
#include "ops/drift/drift_monitor.h"

namespace sy::pipeline {

class DriftWebhook {
 public:
  static core::Result<std::unique_ptr<DriftWebhook>> create(const config::DriftConfig& config);
  ~DriftWebhook();

  // Queues the change; never blocks on the network.
  void post(const ops::drift::StateChange& change);
  // switchyard_drift_webhook_total{result="sent|failed|dropped"}
  void render_metrics(std::string& out) const;

 private:
  DriftWebhook(http::Endpoint endpoint, std::string path, std::chrono::milliseconds timeout);
  void run();

  static constexpr size_t kQueue = 64;
  http::Endpoint endpoint_;
  std::string path_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;  // bodies
  bool stopping_ = false;
  uint64_t sent_ = 0, failed_ = 0, dropped_ = 0;
  std::thread thread_;
};

}  // namespace sy::pipeline
