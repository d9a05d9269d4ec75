#include "pipeline/drift/drift_webhook.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "core/metrics_text.h"
#include "ops/drift/drift_json.h"

namespace sy::pipeline {

namespace {

// One POST; empty when the receiver took it (2xx), else why not.
http::awaitable<std::string> send(const http::Endpoint& endpoint, std::string path, std::string body,
                                        std::chrono::milliseconds timeout) {
  http::Request req{http::bhttp::verb::post, path, 11};
  req.set(http::bhttp::field::content_type, "application/json");
  req.set(http::bhttp::field::user_agent, "switchyard-drift");
  req.body() = std::move(body);
  http::Deadlines d{timeout, timeout, timeout, timeout};
  auto call = co_await http::UpstreamCall::start(endpoint, std::move(req), d);
  if (!call) co_return call.error().message;
  auto& up = **call;
  int status = up.status();
  auto rest = co_await up.read_body(64 * 1024);  // read (and drop) the answer so the connection is reusable
  (void)rest;
  if (status < 200 || status > 299) co_return "status " + std::to_string(status);
  co_return std::string();
}

}  // namespace

core::Result<std::unique_ptr<DriftWebhook>> DriftWebhook::create(const config::DriftConfig& config) {
  // The endpoint is the URL's scheme and authority; its path and query are the request's target.
  auto url = boost::urls::parse_uri(config.webhook);
  if (!url) return core::Error::invalid_request("drift.webhook: not a URL: " + config.webhook);
  std::string origin = std::string(url->scheme()) + "://" + std::string(url->encoded_authority());
  std::string target = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  auto endpoint = http::make_endpoint(origin);
  if (!endpoint) return core::Error::invalid_request("drift.webhook: " + endpoint.error().message);
  return std::unique_ptr<DriftWebhook>(new DriftWebhook(std::move(*endpoint), std::move(target), config.webhook_timeout));
}

DriftWebhook::DriftWebhook(http::Endpoint endpoint, std::string path, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), path_(std::move(path)), timeout_(timeout) {
  thread_ = std::thread([this] { run(); });
}

DriftWebhook::~DriftWebhook() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DriftWebhook::post(const ops::drift::StateChange& change) {
  auto body = boost::json::serialize(ops::drift::change_json(change));
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kQueue) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(body));
  }
  wake_.notify_one();
}

void DriftWebhook::run() {
  // Thread-local, and made before the upstream client's per-thread connection pool: it outlives
  // the pooled connections whose sockets it runs, which go at the thread's exit.
  thread_local http::net::io_context io;
  for (;;) {
    std::string body;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // events still queued at shutdown are not sent: exit is not held up
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    std::string why = "no result";
    boost::asio::co_spawn(io, send(endpoint_, path_, std::move(body), timeout_),
                          [&why](std::exception_ptr e, std::string r) { why = e ? "the call failed" : std::move(r); });
    io.run();
    io.restart();
    bool ok = why.empty();
    if (!ok) spdlog::warn("drift webhook: {}", why);
    std::lock_guard lock(mutex_);
    ++(ok ? sent_ : failed_);
  }
}

void DriftWebhook::render_metrics(std::string& out) const {
  std::lock_guard lock(mutex_);
  core::metric_header(out, "switchyard_drift_webhook_total", "counter", "Drift webhook calls by result (dropped: the queue was full)");
  core::metric_sample(out, "switchyard_drift_webhook_total", "result=\"sent\"", sent_);
  core::metric_sample(out, "switchyard_drift_webhook_total", "result=\"failed\"", failed_);
  core::metric_sample(out, "switchyard_drift_webhook_total", "result=\"dropped\"", dropped_);
}

}  // namespace sy::pipeline
