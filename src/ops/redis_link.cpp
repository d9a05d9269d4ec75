#include "ops/redis_link.h"

#include <spdlog/spdlog.h>

#include "core/metrics_text.h"

namespace sy::ops {

namespace {

store::RedisOptions options_of(const config::RedisConfig& c) {
  store::RedisOptions o;
  o.url = c.url;
  o.connect_timeout = c.connect_timeout;
  o.command_timeout = c.command_timeout;
  o.max_backoff = c.max_backoff;
  return o;
}

}  // namespace

RedisLink::RedisLink(const config::RedisConfig& config) : client_(std::make_unique<store::RedisClient>(options_of(config))) {
  if (auto a = store::parse_redis_url(config.url)) where_ = a->host + ":" + std::to_string(a->port) + "/" + std::to_string(a->db);
  else where_ = "(invalid URL)";
  auto policy = [](bool open) { return open ? "fail_open (counted in this process)" : "fail_closed (refused with 503)"; };
  std::string policies = std::string("requests_per_minute ") + policy(config.requests_per_minute_fail_open) +
                         ", tokens_per_minute " + policy(config.tokens_per_minute_fail_open) + ", usd_per_month " +
                         policy(config.usd_per_month_fail_open);
  // One line per change of state, not per failed retry.
  client_->on_state_change([where = where_, policies](bool up, const std::string& why) {
    if (up) spdlog::info("redis: connected to {}; limits and the cache are shared by every replica", where);
    else spdlog::warn("redis: {} cannot be reached ({}); retrying with backoff. Meanwhile limits: {}", where, why, policies);
  });
}

RedisLink::~RedisLink() { client_->stop(); }

void RedisLink::start() { client_->start(); }

void RedisLink::render_metrics(std::string& out) const {
  const auto& s = client_->stats();
  core::metric_header(out, "switchyard_redis_up", "gauge", "1 while the connection to Redis is up.");
  core::metric_sample(out, "switchyard_redis_up", "", uint64_t{client_->up() ? 1u : 0u});
  core::metric_header(out, "switchyard_redis_commands_total", "counter", "Redis commands by result.");
  core::metric_sample(out, "switchyard_redis_commands_total", "result=\"ok\"", s.ok.load());
  core::metric_sample(out, "switchyard_redis_commands_total", "result=\"error\"", s.errors.load());
  core::metric_sample(out, "switchyard_redis_commands_total", "result=\"timeout\"", s.timeouts.load());
  core::metric_sample(out, "switchyard_redis_commands_total", "result=\"unavailable\"", s.unavailable.load());
  core::metric_header(out, "switchyard_redis_connects_total", "counter", "Connections made to Redis (the first and each reconnection).");
  core::metric_sample(out, "switchyard_redis_connects_total", "", s.connects.load());
  core::metric_header(out, "switchyard_redis_connect_failures_total", "counter", "Connection attempts to Redis that failed.");
  core::metric_sample(out, "switchyard_redis_connect_failures_total", "", s.connect_failures.load());
  core::metric_header(out, "switchyard_redis_fail_open_total", "counter",
                      "Requests admitted on this process's own counts while Redis could not be reached (fail_open).");
  core::metric_sample(out, "switchyard_redis_fail_open_total", "", fail_open.load());
  core::metric_header(out, "switchyard_redis_fail_closed_total", "counter",
                      "Requests refused with 503 while Redis could not be reached (fail_closed).");
  core::metric_sample(out, "switchyard_redis_fail_closed_total", "", fail_closed.load());
  core::metric_header(out, "switchyard_redis_settle_failures_total", "counter",
                      "Reservations whose settlement Redis did not take (held until their lease ends).");
  core::metric_sample(out, "switchyard_redis_settle_failures_total", "", settle_failed.load());
  core::metric_header(out, "switchyard_redis_cache_errors_total", "counter", "Response cache lookups and stores Redis did not answer.");
  core::metric_sample(out, "switchyard_redis_cache_errors_total", "", cache_errors.load());
}

}  // namespace sy::ops
