// POST /v1/chat/completions and /v1/completions: admission, then the target's answer relayed
// whole or as a stream in OpenAI's format. The executor after parsing (execute_chat, the relays)
// is shared with the other ingress dialects (api/anthropic/): they differ only in ex.dialect.
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/exchange.h"
#include "api/gateway.h"
#include "wire/openai/chat_request.h"
#include "pipeline/redaction.h"
#include "providers/credential_scrub.h"
#include "providers/retry_policy.h"
#include "privacy/restorer.h"

namespace sy::api {

namespace bhttp = http::bhttp;
namespace oa = wire::openai;
using core::ChatRequest;
using core::Error;

namespace {

void count_upstream_error(ops::ModelSeries& series, const Error& e) {
  if (e.upstream_status) series.upstream_errors_status.fetch_add(1, std::memory_order_relaxed);
  else if (e.status == 504) series.upstream_errors_timeout.fetch_add(1, std::memory_order_relaxed);
  else if (e.status == 502) series.upstream_errors_transport.fetch_add(1, std::memory_order_relaxed);
}

// Relays chunks to the client as SSE in the client's dialect. The response head goes out with
// the first chunk, so an error before it can still be an ordinary error response with the right
// status.
class ClientStreamSink final : public providers::ChunkSink {
 public:
  ClientStreamSink(Exchange& ex, std::unique_ptr<StreamFormat> format) : ex_(ex), format_(std::move(format)) {}

  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override {
    // (GCC 12 miscompiles co_await inside && and ?:, so each await is its own statement.)
    if (!ex_.writer.started()) {
      bool began = co_await begin();
      if (!began) co_return false;
    }
    if (chunk.usage) ex_.usage = chunk.usage;
    if (!ex_.first_token) {
      for (const auto& c : chunk.choices) {
        if (c.has_content || !c.tool_calls.empty()) ex_.first_token = std::chrono::steady_clock::now();
      }
    }
    auto bytes = format_->chunk(chunk);
    if (bytes.empty()) co_return true;
    co_return co_await ex_.writer.write(bytes);
  }

  http::awaitable<bool> begin() {
    http::ResponseHeader h;
    h.result(bhttp::status::ok);
    h.set(bhttp::field::content_type, "text/event-stream");
    h.set(bhttp::field::cache_control, "no-cache");
    ex_.decorate(h);
    ex_.record.status = 200;
    co_return co_await ex_.writer.begin_stream(std::move(h));
  }

  http::awaitable<void> finish(const core::Status& outcome) {
    if (!outcome) {
      ex_.record.error_type = outcome.error().type;
      if (!ex_.writer.started()) {
        co_await ex_.send_error(outcome.error());
        co_return;
      }
      // Mid-stream: the head already said 200. An error event in the client's format ends it.
      auto event = format_->error(outcome.error());
      bool written = co_await ex_.writer.write(event);
      if (!written) co_return;
    } else {
      if (!ex_.writer.started()) {
        bool began = co_await begin();
        if (!began) co_return;
      }
      auto end = format_->done();
      bool written = co_await ex_.writer.write(end);
      if (!written) co_return;
    }
    co_await ex_.writer.end_stream();
  }

 private:
  Exchange& ex_;
  std::unique_ptr<StreamFormat> format_;
};

// The provider hears of a departed client through the session's hook.
providers::CallContext call_context(Exchange& ex) {
  return {ex.ctx.request_id, [&ex](std::function<void()> c) { ex.writer.on_client_gone(std::move(c)); }};
}

}  // namespace

http::awaitable<void> Gateway::serve_chat(Exchange& ex, ChatRequest::Kind kind) {
  ex.chat = true;
  if (auto v = auth_->on_request(ex.ctx); !v) {
    co_await ex.send_error(v.error());
    co_return;
  }
  auto parsed = kind == ChatRequest::Kind::chat ? oa::parse_chat_request(ex.request.body())
                                                : oa::parse_completion_request(ex.request.body());
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  ex.ctx.chat = std::move(*parsed);
  co_await execute_chat(ex);
}

// Admission and execution of a parsed chat request, for every ingress dialect: the chain (route,
// ...) decides, then the candidates are tried in order. Answers and errors go out in ex.dialect.
http::awaitable<void> Gateway::execute_chat(Exchange& ex) {
  ex.chat = true;
  // model@VERSION (or @ALIAS) pins a registry version: for evaluation, and for staging checks.
  if (auto at = ex.ctx.chat.model.find('@'); at != std::string::npos) {
    ex.pinned = ex.ctx.chat.model.substr(at + 1);
    ex.ctx.chat.model.resize(at);
  }
  ex.record.model = ex.ctx.chat.model;
  ex.record.stream = ex.ctx.chat.stream;
  auto verdict = chain_.run(ex.ctx);
  if (ex.ctx.decision) note_decision(ex);
  if (!verdict) {
    co_await ex.send_error(verdict.error());
    co_return;
  }
  if (ex.ctx.chat.stream) co_await relay_stream(ex);
  else co_await relay_whole(ex);
}

namespace {

// Whether another target may do better: the target failed or is busy, not the request.
bool worth_another_target(const Error& e) {
  if (e.status >= 500 || e.status == 429 || e.status == 408) return true;
  return e.code == "context_length_exceeded";  // a larger model further down the list may take it
}

// Whether `answer` says nothing: a fallback reason like an error.
bool empty_answer(const core::ChatResponse& answer) {
  for (const auto& c : answer.choices) {
    if (!c.message.text().empty() || !c.message.tool_calls.empty()) return false;
  }
  return true;
}

// Sits between a provider and the client's sink: notes whether anything reached the client (after
// that, no fallback), in redact mode puts the original values back into the text, and keeps the
// answer's text when the audit asks for it.
class ExecutionSink final : public providers::ChunkSink {
 public:
  ExecutionSink(providers::ChunkSink& out, privacy::Restorer* restorer, std::string* answer)
      : out_(out), restorer_(restorer), answer_(answer) {}
  http::awaitable<bool> on_chunk(core::ChatChunk chunk) override {
    if (restorer_) {
      for (auto& c : chunk.choices) {
        if (c.has_content) c.content = restorer_->push(c.content);
        if (!c.finish_reason.empty()) {
          c.content += restorer_->flush();
          c.has_content = c.has_content || !c.content.empty();
        }
      }
    }
    if (answer_) {
      for (const auto& c : chunk.choices) *answer_ += c.content;
    }
    forwarded_ = true;
    co_return co_await out_.on_chunk(std::move(chunk));
  }
  bool forwarded() const { return forwarded_; }

 private:
  providers::ChunkSink& out_;
  privacy::Restorer* restorer_;
  std::string* answer_;
  bool forwarded_ = false;
};

}  // namespace

namespace {

// Who the canary split sticks to: the end user the client names (OpenAI's `user`), else the key.
std::string caller_of(const Exchange& ex) {
  if (const auto* user = ex.ctx.chat.extensions.if_contains("user"); user && user->is_string() && !user->as_string().empty()) {
    return "user:" + std::string(user->as_string());
  }
  return "key:" + ex.ctx.principal.key_name;
}

}  // namespace

// One candidate's request: the client's own, or for a cloud target in redact mode a redacted
// copy. A cloud target never gets a request whose class is local_only (the router already left
// such targets out; this is the second lock on the same door).
core::Result<Gateway::Attempt> Gateway::prepare_attempt(Exchange& ex, const router::Candidate& candidate) {
  Attempt a;
  const auto& d = *ex.ctx.decision;
  if (candidate.cloud() && d.privacy == router::PrivacyClass::local_only) {
    return Error::privacy_policy("This request contains sensitive data; it may not go to cloud target '" + candidate.model->name + "'.");
  }
  if (candidate.cloud() && d.privacy == router::PrivacyClass::redact) {
    if (!scanner_) return Error::privacy_policy("No privacy scanner is running; nothing can be redacted for a cloud target.");
    auto r = pipeline::redact_request(ex.ctx.chat, *scanner_);
    if (!r) return r.error();
    a.redacted = std::move(*r);
    a.restorer.emplace(a.redacted->redactor.mapping());
  }
  ex.ctx.target = candidate.model;
  ex.ctx.provider = candidate.provider;
  ex.ctx.version.clear();
  ex.deployment.reset();
  // A registry model answers with the version serving this caller: production, or the canary
  // for the caller's sticky share, or the version the request pinned.
  std::string_view pinned = candidate.model->name == ex.ctx.chat.model ? std::string_view(ex.pinned) : "";
  if (auto resolved = registry_->resolve(candidate.model->name, caller_of(ex), pinned)) {
    ex.deployment = resolved->deployment;
    ex.role = ops::to_string(resolved->role);
    ex.ctx.target = &ex.deployment->config;
    ex.ctx.provider = ex.deployment->provider.get();
    ex.ctx.version = ex.deployment->version;
    if (!ex.deployment->parameters.empty()) {
      a.adjusted = std::make_unique<ChatRequest>(a.request(ex.ctx.chat));
      ex.deployment->parameters.apply(*a.adjusted);
    }
  } else if (!pinned.empty()) {
    return Error::not_found("Model '" + candidate.model->name + "' has no deployed version or alias '" +
                            std::string(pinned) + "' (only versions an alias names are deployed).");
  }
  ex.record.route = candidate.model->name;
  ++ex.record.attempts;
  return a;
}

void Gateway::note_decision(Exchange& ex) {
  const auto& d = *ex.ctx.decision;
  ex.record.rule = d.rule;
  ex.record.privacy = router::to_string(d.privacy);
  for (const auto& k : d.kinds) ex.record.findings += (ex.record.findings.empty() ? "" : ",") + k;
}

namespace {

// How long to wait before trying the same remote target again, if at all: the retry policy,
// bounded by what is left of the target's total timeout for this request. Local targets are not
// retried here: a full queue moves on to the next candidate, and an engine error will not heal.
std::optional<std::chrono::milliseconds> retry_delay_for(const Exchange& ex, const router::Candidate& candidate,
                                                         const Error& e, int tries) {
  if (candidate.model->provider == config::ProviderKind::local) return std::nullopt;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - ex.ctx.started);
  providers::RetryPolicy policy;
  policy.max_attempts = candidate.model->retries + 1;
  return providers::retry_delay(policy, e, tries, candidate.model->timeouts.total - elapsed, rng);
}

http::awaitable<void> pause(std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace

http::awaitable<void> Gateway::relay_whole(Exchange& ex) {
  const auto& candidates = ex.ctx.decision->candidates;
  std::optional<Error> last_error;
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto attempt = prepare_attempt(ex, candidates[i]);
    if (!attempt) {
      last_error = attempt.error();
      continue;
    }
    const auto& request = attempt->request(ex.ctx.chat);
    auto call = call_context(ex);
    auto answer = co_await ex.ctx.provider->complete(request, call);
    for (int tries = 1; !answer && !ex.writer.client_gone(); ++tries) {
      auto delay = retry_delay_for(ex, candidates[i], answer.error(), tries);
      if (!delay) break;
      co_await pause(*delay);
      ++ex.record.attempts;
      auto again = call_context(ex);
      answer = co_await ex.ctx.provider->complete(request, again);
    }
    if (ex.writer.client_gone()) co_return;
    bool last = i + 1 == candidates.size();
    if (answer && (!empty_answer(*answer) || last)) {
      router_->record(candidates[i].model->name, true);
      if (attempt->restorer) {
        for (auto& c : answer->choices) {
          for (auto& p : c.message.parts) p.text = attempt->restorer->push(p.text) + attempt->restorer->flush();
        }
      }
      metrics_->count_route(ex.ctx.decision->route, ex.ctx.decision->rule, candidates[i].model->name);
      ex.first_token = std::chrono::steady_clock::now();
      ex.usage = answer->usage;
      if (config_->audit.include_text) {
        ex.answer_text.clear();
        for (const auto& c : answer->choices) ex.answer_text += c.message.text();
      }
      // Acknowledged only once audited (durable mode: on disk); an answer whose record cannot
      // be kept is withheld.
      ex.record.status = 200;
      auto audited = co_await conclude(ex);
      if (!audited) {
        co_await ex.send_error(audited.error());
        co_return;
      }
      co_await ex.send_json(200, ex.dialect->format_response(*answer, ex.ctx.chat));
      start_shadow(ex);
      co_return;
    }
    Error e = answer ? Error::upstream("target '" + candidates[i].model->name + "' gave an empty answer") : answer.error();
    providers::settle_upstream_words(e, *candidates[i].model);
    count_upstream_error(metrics_->model(ex.record.model), e);
    if (ex.deployment) count_upstream_error(*ex.deployment->series, e);
    router_->record(candidates[i].model->name, false);
    last_error = e;
    if (!worth_another_target(e)) break;
  }
  metrics_->count_route(ex.ctx.decision->route, ex.ctx.decision->rule, "none");
  ex.ctx.target = nullptr;  // nobody answered: no x-switchyard-route
  auto e = last_error.value_or(Error::unavailable("no target could take this request"));
  co_await ex.send_error(e);
}

http::awaitable<void> Gateway::relay_stream(Exchange& ex) {
  const auto& candidates = ex.ctx.decision->candidates;
  ClientStreamSink client(ex, ex.dialect->stream_format(ex.ctx.chat));
  core::Status outcome = Error::unavailable("no target could take this request");
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto attempt = prepare_attempt(ex, candidates[i]);
    if (!attempt) {
      outcome = attempt.error();
      continue;
    }
    const auto& request = attempt->request(ex.ctx.chat);
    auto call = call_context(ex);
    ex.answer_text.clear();
    ExecutionSink sink(client, attempt->restorer ? &*attempt->restorer : nullptr,
                       config_->audit.include_text ? &ex.answer_text : nullptr);
    outcome = co_await ex.ctx.provider->stream(request, call, sink);
    // The same target again, but only while nothing has reached the client.
    for (int tries = 1; !outcome && !sink.forwarded() && !ex.writer.client_gone(); ++tries) {
      auto delay = retry_delay_for(ex, candidates[i], outcome.error(), tries);
      if (!delay) break;
      co_await pause(*delay);
      ++ex.record.attempts;
      auto again = call_context(ex);
      outcome = co_await ex.ctx.provider->stream(request, again, sink);
    }
    if (ex.writer.client_gone()) co_return;
    if (!outcome) providers::settle_upstream_words(outcome.error(), *candidates[i].model);
    router_->record(candidates[i].model->name, outcome.ok());
    if (outcome) {
      metrics_->count_route(ex.ctx.decision->route, ex.ctx.decision->rule, candidates[i].model->name);
      break;
    }
    count_upstream_error(metrics_->model(ex.record.model), outcome.error());
    if (ex.deployment) count_upstream_error(*ex.deployment->series, outcome.error());
    // Once a byte reached the client, the answer is this target's: a clean error event ends it.
    if (sink.forwarded() || !worth_another_target(outcome.error())) break;
  }
  if (!outcome) {
    metrics_->count_route(ex.ctx.decision->route, ex.ctx.decision->rule, "none");
    if (!ex.writer.started()) ex.ctx.target = nullptr;
  } else {
    // The stream's clean end goes out only once its audit record is kept (durable mode: on
    // disk); if it cannot be, the stream ends with an error event instead.
    ex.record.status = 200;
    auto audited = co_await conclude(ex);
    if (!audited) outcome = audited.error();
  }
  co_await client.finish(outcome);
  if (outcome) start_shadow(ex);
}

}  // namespace sy::api
