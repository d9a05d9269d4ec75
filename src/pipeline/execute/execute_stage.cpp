#include "pipeline/execute/execute_stage.h"

#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "core/answer_chunks.h"
#include "pipeline/execute/attempt.h"
#include "pipeline/execute/failure_summary.h"
#include "providers/credential_scrub.h"
#include "providers/retry_policy.h"

namespace sy::pipeline {

namespace {

using core::Error;

// Whether another target may do better: the target failed or is busy, not the request.
bool worth_another_target(const Error& e) {
  if (e.status >= 500 || e.status == 429 || e.status == 408) return true;
  return e.code == "context_length_exceeded";  // a larger model further down the list may take it
}

bool says_nothing(const core::ChatResponse& answer) {
  for (const auto& c : answer.choices) {
    if (!c.message.text().empty() || !c.message.tool_calls.empty()) return false;
  }
  return true;
}

void count_upstream_error(ops::ModelSeries& series, const Error& e) {
  if (e.upstream_status) series.upstream_errors_status.fetch_add(1, std::memory_order_relaxed);
  else if (e.status == 504) series.upstream_errors_timeout.fetch_add(1, std::memory_order_relaxed);
  else if (e.status == 502) series.upstream_errors_transport.fetch_add(1, std::memory_order_relaxed);
}

// How long to wait before trying the same remote target again, if at all: the retry policy,
// bounded by what is left of the target's total timeout for this request. Local targets are not
// retried: a full queue moves on to the next candidate, and an engine error will not heal. A
// target that timed out is not waited on again while another candidate remains: a hanging
// primary would otherwise cost its timeout once per retry before the healthy fallback is asked.
std::optional<std::chrono::milliseconds> retry_delay_for(const RequestState& s, const Target& t, const Error& e, int tries,
                                                         bool last_target) {
  // An unconfigured target (no credentials) fails the same way every time.
  if (t.model->provider == config::ProviderKind::local || e.code == "empty_answer" || e.code == "unconfigured") {
    return std::nullopt;
  }
  if (e.status == 504 && !last_target) return std::nullopt;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - s.started);
  providers::RetryPolicy policy;
  policy.max_attempts = t.model->retries + 1;
  return providers::retry_delay(policy, e, tries, t.model->timeouts.total - elapsed, rng);
}

// The request once more, with a word on what went wrong: the answer must be JSON matching the schema.
core::ChatRequest json_repair_request(const core::ChatRequest& request) {
  auto repair = request;
  if (repair.kind != core::ChatRequest::Kind::chat) return repair;
  core::Message hint;
  hint.role = "user";
  core::ContentPart part;
  part.text = "Your previous answer did not match the required JSON schema. Answer again with only JSON that matches it.";
  hint.parts.push_back(std::move(part));
  repair.messages.push_back(std::move(hint));
  return repair;
}

http::awaitable<void> pause(std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

class ExecuteFilter final : public Filter {
 public:
  explicit ExecuteFilter(const ExecuteStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest | kEnd; }

  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    executor_ = co_await boost::asio::this_coro::executor;
    Error last = Error::unavailable("no target could take this request");
    bool forwarded = false;
    FailureSummary failures;
    if (s.decision) {
      for (const auto& [target, why] : s.decision->skipped) failures.skipped(target, why);
    }
    for (size_t i = 0; i < s.targets.size() && !forwarded; ++i) {
      const auto& t = s.targets[i];
      auto attempt = prepare_attempt(s, t, stage_.scanner());
      if (!attempt) {
        last = attempt.error();
        failures.skipped(t.model->name, "not allowed for this request's data");
        continue;
      }
      auto* breaker = t.deployment ? t.deployment->breaker.get() : stage_.breakers().find(t.model->name);
      // A half-open circuit lets one probe through at a time; the others go on to the next target.
      if (breaker && !breaker->allow()) {
        last = Error::unavailable("Target '" + t.model->name + "' is recovering; one probe request is testing it.");
        last.retry_after_s = breaker->retry_after_s();
        failures.skipped(t.model->name, "circuit open");
        continue;
      }
      s.answered_by = &t;
      s.record.target = t.model->name;
      s.record.version = t.version();
      s.record.role = t.deployment ? serving::to_string(t.role) : "";
      const auto& request = attempt->request(s.chat);
      AttemptSink sink(s, attempt->restorer ? &*attempt->restorer : nullptr, stage_.keep_answer_text());
      const bool last_target = i + 1 == s.targets.size();
      ++s.record.attempts;
      auto outcome = co_await call(s, t, request, sink, last_target);
      // The output guard found the answer off its JSON schema, and held it: one more try.
      if (outcome && s.json_repair_wanted) {
        s.json_repair_wanted = false;
        s.json_repaired = true;
        s.answer_text.clear();
        auto repair = json_repair_request(request);
        ++s.record.attempts;
        outcome = co_await call(s, t, repair, sink, last_target);
      }
      // The same target again, but only while nothing has reached the answer path.
      for (int tries = 1; !outcome && !sink.forwarded() && !s.client_gone(); ++tries) {
        auto delay = retry_delay_for(s, t, outcome.error(), tries, last_target);
        if (!delay) break;
        co_await pause(*delay);
        ++s.record.attempts;
        outcome = co_await call(s, t, request, sink, last_target);
      }
      forwarded = sink.forwarded();
      if (s.client_gone()) {
        if (breaker) breaker->record_abandoned();
        co_return Error{499, "client_closed", "The client closed the connection.", {}, {}, {}, 0, {}};
      }
      if (s.stopped) {  // the answer path ended the answer (the output guard): not the target's failure
        if (breaker) breaker->record_success();
        co_return *s.stopped;
      }
      if (outcome) {
        if (breaker) breaker->record_success();
        stage_.metrics().count_route(route_of(s), s.record.rule, t.model->name);
        co_return Verdict::replied;
      }
      Error e = outcome.error();
      providers::settle_upstream_words(e, t.config());
      failures.failed(t.model->name, e);
      if (config::is_cloud(t.model->provider)) {
        spdlog::warn("request {}: target '{}' failed: {} {}", s.record.request_id, t.model->name, e.status, short_reason(e));
      }
      count_upstream_error(stage_.metrics().model(s.record.model), e);
      if (t.deployment) count_upstream_error(*t.deployment->series, e);
      if (breaker) breaker->record_failure();
      last = e;
      // Once a byte went on, the answer is this target's: the error ends it.
      if (!worth_another_target(e)) break;
    }
    stage_.metrics().count_route(route_of(s), s.record.rule, "none");
    if (!forwarded) {  // nobody answered: no x-switchyard-route
      // The record keeps the last target tried (and its version): a failing version must show in
      // usage and in the canary analysis, not vanish as "no target".
      s.answered_by = nullptr;
      if (worth_another_target(last)) last = failures.apply(std::move(last));  // not for the client's own mistake
    }
    co_return last;
  }

  void on_end(RequestState& s) override {
    if (s.record.status == 200 && s.answered_by && executor_) stage_.shadows().maybe_start(s, *executor_);
  }

 private:
  static const std::string& route_of(const RequestState& s) { return s.decision ? s.decision->route : s.record.model; }

  // One call of one target; a whole answer goes on as the chunks of its stream.
  http::awaitable<core::Status> call(RequestState& s, const Target& t, const core::ChatRequest& request, AttemptSink& sink,
                                     bool last_target) {
    // Upstreams see the id the client traces by (its own x-request-id, else ours).
    const auto& traced = s.record.client_request_id.empty() ? s.record.request_id : s.record.client_request_id;
    providers::CallContext ctx{traced, [&s](std::function<void()> cancel) {
                                 if (s.client) s.client->on_client_gone(std::move(cancel));
                               }};
    if (request.stream) co_return co_await t.provider->stream(request, ctx, sink);
    auto answer = co_await t.provider->complete(request, ctx);
    if (!answer) co_return answer.error();
    // An empty answer is a reason to ask the next target, unless there is none.
    if (!last_target && says_nothing(*answer)) {
      auto e = Error::upstream("Target '" + t.model->name + "' gave an empty answer.");
      e.code = "empty_answer";
      co_return e;
    }
    for (auto& chunk : core::as_chunks(std::move(*answer))) {
      bool delivered = co_await sink.on_chunk(std::move(chunk));
      if (!delivered) co_return Error::upstream("The client went away.");
    }
    co_return core::Ok{};
  }

  const ExecuteStage& stage_;
  std::optional<boost::asio::any_io_executor> executor_;
};

}  // namespace

FilterPtr ExecuteStage::start(RequestState&) const { return own_filter<ExecuteFilter>(*this); }

}  // namespace sy::pipeline
