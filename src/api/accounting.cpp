// What happens when a request ends: its numbers (tokens, cost, latency), the metrics of the model
// asked for and of the version that answered, the budget settled, and the audit record. Also the
// shadow copy of an answered request, which is accounted the same way but never answered.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "api/exchange.h"
#include "api/gateway.h"
#include "pipeline/request_text.h"
#include "providers/local/event_queue.h"
#include "privacy/redactor.h"
#include "privacy/scanner.h"

namespace sy::api {

namespace {

int64_t micro_usd(double usd) { return static_cast<int64_t>(usd * 1e6 + 0.5); }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void observe(ops::ModelSeries& series, const ops::AccessRecord& r) {
  series.count_status(r.status);
  series.latency.observe(r.duration_ms / 1000);
  if (r.ttft_ms >= 0) series.ttft.observe(r.ttft_ms / 1000);
  series.prompt_tokens.fetch_add(r.prompt_tokens, std::memory_order_relaxed);
  series.completion_tokens.fetch_add(r.completion_tokens, std::memory_order_relaxed);
  if (r.cost_usd > 0) series.cost_micro_usd.fetch_add(micro_usd(r.cost_usd), std::memory_order_relaxed);
}

// Text for the audit trail: every sensitive value replaced by its placeholder. Text that cannot
// be scanned is not kept at all.
std::string redacted(const privacy::Scanner* scanner, std::string_view text) {
  if (!scanner) return "[not kept: no privacy scanner]";
  auto scan = scanner->scan(text);
  if (scan.failed) return "[not kept: privacy scan failed]";
  privacy::Redactor redactor;
  return redactor.redact(text, scan.findings);
}

// Waits on the I/O thread for the audit writer's verdict on one record, handed over the way the
// engine hands its events (providers/local/event_queue).
http::awaitable<core::Status> append_and_wait(ops::AuditLog& log, ops::AuditRecord record) {
  auto verdict = std::make_shared<providers::local::EventQueue<core::Status>>(co_await boost::asio::this_coro::executor);
  log.append(std::move(record), [verdict](core::Status s) { verdict->push(std::move(s)); });
  auto results = co_await verdict->pop_all();
  co_return std::move(results.front());
}

}  // namespace

double Gateway::cost_usd(const config::ModelConfig& target, const core::Usage& usage) const {
  if (!target.keeps_data_local()) {
    const auto* price = prices_ ? prices_->find(target) : nullptr;
    return price ? ops::PriceTable::cost_usd(*price, usage) : 0;
  }
  return config_->local_cost.usd_per_token() * static_cast<double>(usage.total());
}

// What an operator watches to know the audit trail keeps up (in durable mode a stuck writer
// withholds answers) and which registry state this replica runs.
std::string Gateway::ops_metrics() const {
  std::string out;
  auto line = [&out](const char* name, const char* type, const char* help, uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  if (audit_) {
    auto s = audit_->stats();
    line("switchyard_audit_records_total", "counter", "Audit records committed to the store.", s.records);
    line("switchyard_audit_commits_total", "counter", "Audit transactions committed (group commit: many records each).", s.batches);
    line("switchyard_audit_failures_total", "counter", "Audit records whose commit failed.", s.failures);
    line("switchyard_audit_pending", "gauge", "Audit records waiting for their commit.", s.pending);
  }
  if (registry_) {
    auto generation = registry_->applied_generation();
    line("switchyard_registry_generation", "gauge", "The registry generation this server runs.",
         static_cast<uint64_t>(std::max<int64_t>(generation, 0)));
  }
  return out;
}

void Gateway::settle(Exchange& ex) {
  if (ex.settled) return;
  ex.settled = true;
  auto& r = ex.record;
  if (r.status == 0 || (ex.writer.client_gone() && !ex.writer.started())) r.status = 499;
  r.duration_ms = ex.elapsed_ms();
  if (ex.first_token) r.ttft_ms = std::chrono::duration<double, std::milli>(*ex.first_token - ex.ctx.started).count();
  if (ex.usage) {
    r.prompt_tokens = ex.usage->prompt_tokens;
    r.completion_tokens = ex.usage->completion_tokens;
    if (ex.ctx.target) r.cost_usd = cost_usd(*ex.ctx.target, *ex.usage);
  }
  r.key_name = ex.ctx.principal.key_name;
  r.version = ex.ctx.version;
  if (ex.chat) {
    observe(metrics_->model(r.model), r);
    if (ex.deployment && ex.ctx.target) observe(*ex.deployment->series, r);
  }
  if (budgets_) budgets_->settle(ex.ctx.reservation, r.prompt_tokens + r.completion_tokens, micro_usd(r.cost_usd));
}

ops::AuditRecord Gateway::audit_record(const Exchange& ex) const {
  const auto& r = ex.record;
  ops::AuditRecord a;
  a.ts_ms = ex.arrived_ms;
  a.request_id = r.request_id;
  a.key_name = ex.ctx.principal.key_name;
  a.team = ex.ctx.principal.team;
  a.method = r.method;
  a.path = r.path;
  a.model = r.model;
  if (ex.ctx.decision) {
    a.rule = ex.ctx.decision->rule;
    a.reasons = ex.ctx.decision->reasons;
    a.kinds = ex.ctx.decision->kinds;
  }
  a.privacy = r.privacy;
  if (ex.ctx.target) {
    a.target = ex.ctx.target->name;
    a.version = ex.ctx.version;
    a.role = ex.deployment ? ex.role : "";
  }
  a.status = r.status;
  a.error_type = r.error_type;
  a.attempts = r.attempts;
  a.stream = r.stream;
  a.prompt_tokens = r.prompt_tokens;
  a.completion_tokens = r.completion_tokens;
  a.cost_usd = r.cost_usd;
  a.latency_ms = r.duration_ms;
  a.ttft_ms = r.ttft_ms;
  if (config_->audit.include_text && ex.chat) {
    a.prompt_text = redacted(scanner_.get(), pipeline::request_text(ex.ctx.chat));
    if (!ex.answer_text.empty()) a.answer_text = redacted(scanner_.get(), ex.answer_text);
  }
  return a;
}

http::awaitable<core::Status> Gateway::conclude(Exchange& ex) {
  settle(ex);
  if (!audit_ || ex.audited) co_return core::Ok{};
  ex.audited = true;
  if (!audit_->options().durable) {
    audit_->append(audit_record(ex));
    co_return core::Ok{};
  }
  auto record = audit_record(ex);  // a named local: GCC 12 frees temporaries in co_await arguments wrongly
  auto kept = co_await append_and_wait(*audit_, std::move(record));
  if (!kept) {
    co_return core::Error::unavailable("The audit trail could not record this request, so its answer is withheld (" +
                                       kept.error().message + ").");
  }
  co_return core::Ok{};
}

void Gateway::audit_detached(Exchange& ex) {
  if (!audit_ || ex.audited) return;
  // Probes and scrapes are not requests anyone must account for.
  const auto& path = ex.record.path;
  if (path == "/healthz" || path == "/readyz" || path == "/metrics") return;
  ex.audited = true;
  audit_->append(audit_record(ex));
}

void Gateway::start_shadow(Exchange& ex) {
  if (!ex.deployment || ex.role == "pinned" || !ex.ctx.decision) return;
  auto shadow = registry_->shadow_for(ex.deployment->model, ex.ctx.request_id);
  if (!shadow || shadow->deployment == ex.deployment) return;
  // A sensitive request's copy never goes where the request itself could not.
  if (ex.ctx.decision->privacy != router::PrivacyClass::any && !shadow->deployment->config.keeps_data_local()) return;
  // Shadows are extra work: they must never crowd out the traffic that is answered.
  constexpr int kMaxShadowsInFlight = 32;
  if (shadows_in_flight_.fetch_add(1) >= kMaxShadowsInFlight) {
    shadows_in_flight_.fetch_sub(1);
    return;
  }
  auto request = std::make_shared<core::ChatRequest>(ex.ctx.chat);
  request->stream = false;
  shadow->deployment->parameters.apply(*request);  // the candidate as it would really answer
  boost::asio::co_spawn(ex.executor, run_shadow(std::move(request), std::move(*shadow), ex.ctx.request_id, ex.ctx.principal),
                        boost::asio::detached);
}

http::awaitable<void> Gateway::run_shadow(std::shared_ptr<core::ChatRequest> request, ops::Resolved shadow,
                                          std::string request_id, core::Principal principal) {
  struct Release {
    std::atomic<int>& n;
    ~Release() { n.fetch_sub(1); }
  } release{shadows_in_flight_};
  auto started = std::chrono::steady_clock::now();
  ops::AuditRecord a;
  a.ts_ms = now_ms();
  providers::CallContext call{request_id + ":shadow", [](std::function<void()>) {}};
  auto answer = co_await shadow.deployment->provider->complete(*request, call);

  const auto& d = *shadow.deployment;
  ops::AccessRecord r;
  r.status = answer ? 200 : answer.error().status;
  r.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (answer && answer->usage) {
    r.prompt_tokens = answer->usage->prompt_tokens;
    r.completion_tokens = answer->usage->completion_tokens;
    r.cost_usd = cost_usd(d.config, *answer->usage);
  }
  observe(*d.series, r);
  if (!audit_) co_return;
  a.request_id = request_id;
  // The copy is the platform's experiment, not the caller's spend: it is recorded under its own
  // name, so the caller's usage and budget do not pay for it (and nobody's team does).
  a.key_name = "shadow:" + principal.key_name;
  a.method = "SHADOW";
  a.path = "shadow";
  a.model = d.model;
  a.target = d.model;
  a.version = d.version;
  a.role = "shadow";
  a.status = r.status;
  if (!answer) a.error_type = answer.error().type;
  a.prompt_tokens = r.prompt_tokens;
  a.completion_tokens = r.completion_tokens;
  a.cost_usd = r.cost_usd;
  a.latency_ms = r.duration_ms;
  if (config_->audit.include_text && answer) {
    std::string text;
    for (const auto& c : answer->choices) text += c.message.text();
    a.answer_text = redacted(scanner_.get(), text);
  }
  audit_->append(std::move(a));
}

}  // namespace sy::api
