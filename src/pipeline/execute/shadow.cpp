#include "pipeline/execute/shadow.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "ops/utc_time.h"
#include "privacy/redactor.h"

namespace sy::pipeline {

namespace {
constexpr int kMaxShadowsInFlight = 32;

}  // namespace

std::string redacted_for_audit(const privacy::Scanner* scanner, std::string_view text) {
  if (!scanner) return "[not kept: no privacy scanner]";
  auto scan = scanner->scan(text);
  if (scan.failed) return "[not kept: privacy scan failed]";
  privacy::Redactor redactor;
  return redactor.redact(text, scan.findings);
}

void ShadowRunner::maybe_start(const RequestState& s, const boost::asio::any_io_executor& executor) {
  const auto* answered = s.answered_by;
  if (!answered || !answered->deployment || answered->role == serving::Role::pinned) return;
  auto shadow = registry_.shadow_for(answered->deployment->model, s.record.request_id);
  if (!shadow || shadow->deployment == answered->deployment) return;
  // A sensitive request's copy never goes where the request itself could not.
  if (s.privacy.privacy != router::PrivacyClass::any && !shadow->deployment->config.keeps_data_local()) return;
  // Shadows are extra work: they must never crowd out the traffic that is answered.
  if (in_flight_.count() >= kMaxShadowsInFlight) return;
  core::InFlight::Ticket ticket(in_flight_);
  auto request = std::make_shared<core::ChatRequest>(s.chat);
  request->stream = false;
  shadow->deployment->parameters.apply(*request);  // the candidate as it would really answer
  boost::asio::co_spawn(executor, run(std::move(request), std::move(*shadow), s.record.request_id, s.record.key_name, std::move(ticket)),
                        boost::asio::detached);
}

http::awaitable<void> ShadowRunner::run(std::shared_ptr<core::ChatRequest> request, serving::Resolved shadow,
                                        std::string request_id, std::string key_name, [[maybe_unused]] core::InFlight::Ticket ticket) {
  auto started = std::chrono::steady_clock::now();
  ops::RequestRecord a;
  a.ts_ms = ops::now_ms();
  providers::CallContext call{request_id + ":shadow", [](std::function<void()>) {}};
  auto answer = co_await shadow.deployment->provider->complete(*request, call);

  const auto& d = *shadow.deployment;
  a.status = answer ? 200 : answer.error().status;
  a.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (answer && answer->usage) {
    a.prompt_tokens = answer->usage->prompt_tokens;
    a.completion_tokens = answer->usage->completion_tokens;
    a.cost_usd = costs_.cost_usd(d.config, *answer->usage);
  }
  d.series->observe(a);
  if (!audit_) co_return;
  a.request_id = request_id;
  // The copy is the platform's experiment, not the caller's spend: it is recorded under its own
  // name, so the caller's usage and budget do not pay for it (and nobody's team does).
  a.key_name = "shadow:" + key_name;
  a.method = "SHADOW";
  a.path = "shadow";
  a.model = d.model;
  a.target = d.model;
  a.version = d.version;
  a.role = "shadow";
  if (!answer) a.error_type = answer.error().type;
  if (include_text_ && answer) {
    std::string text;
    for (const auto& c : answer->choices) text += c.message.text();
    a.answer_text = redacted_for_audit(scanner_.get(), text);
  }
  audit_->append(std::move(a));
}

}  // namespace sy::pipeline
