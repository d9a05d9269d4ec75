// POST /v1/chat/completions and /v1/completions: admission, then the target's answer relayed
// whole or as a stream in OpenAI's format.
#include "api/exchange.h"
#include "api/gateway.h"
#include "api/openai/chat_request.h"
#include "api/openai/chat_response.h"
#include "api/openai/error_json.h"
#include "http/sse.h"

namespace sy::api {

namespace bhttp = http::bhttp;
namespace oa = api::openai;
using core::ChatRequest;
using core::Error;

namespace {

void count_upstream_error(ops::ModelSeries& series, const Error& e) {
  if (e.upstream_status) series.upstream_errors_status.fetch_add(1, std::memory_order_relaxed);
  else if (e.status == 504) series.upstream_errors_timeout.fetch_add(1, std::memory_order_relaxed);
  else if (e.status == 502) series.upstream_errors_transport.fetch_add(1, std::memory_order_relaxed);
}

// Relays chunks to the client as SSE. The response head goes out with the first chunk, so an
// error before it can still be an ordinary JSON error with the right status.
class OpenAIStreamSink final : public providers::ChunkSink {
 public:
  OpenAIStreamSink(Exchange& ex, ChatRequest::Kind kind, bool include_usage)
      : ex_(ex), kind_(kind), include_usage_(include_usage) {}

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
    if (!include_usage_ && chunk.usage) {
      if (chunk.choices.empty()) co_return true;  // the usage chunk the client did not ask for
      chunk.usage.reset();
    }
    auto event = http::sse_event(oa::format_chunk(chunk, kind_));
    co_return co_await ex_.writer.write(event);
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
      // Mid-stream: the head already said 200. A clean error event, as OpenAI's SDKs read it.
      auto event = http::sse_event(oa::format_error(outcome.error()));
      bool written = co_await ex_.writer.write(event);
      if (!written) co_return;
    } else {
      if (!ex_.writer.started()) {
        bool began = co_await begin();
        if (!began) co_return;
      }
      bool written = co_await ex_.writer.write("data: [DONE]\n\n");
      if (!written) co_return;
    }
    co_await ex_.writer.end_stream();
  }

 private:
  Exchange& ex_;
  ChatRequest::Kind kind_;
  bool include_usage_;
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
  ex.record.model = ex.ctx.chat.model;
  ex.record.stream = ex.ctx.chat.stream;
  auto verdict = chain_.run(ex.ctx);
  if (!verdict) {
    co_await ex.send_error(verdict.error());
    co_return;
  }
  ex.record.route = ex.ctx.target->name;
  if (ex.ctx.chat.stream) co_await relay_stream(ex);
  else co_await relay_whole(ex);
}

http::awaitable<void> Gateway::relay_whole(Exchange& ex) {
  auto call = call_context(ex);
  auto answer = co_await ex.ctx.provider->complete(ex.ctx.chat, call);
  if (!answer) {
    count_upstream_error(metrics_->model(ex.record.model), answer.error());
    co_await ex.send_error(answer.error());
    co_return;
  }
  ex.first_token = std::chrono::steady_clock::now();
  ex.usage = answer->usage;
  co_await ex.send_json(200, oa::format_response(*answer, ex.ctx.chat.kind));
}

http::awaitable<void> Gateway::relay_stream(Exchange& ex) {
  auto call = call_context(ex);
  OpenAIStreamSink sink(ex, ex.ctx.chat.kind, ex.ctx.chat.stream_options.include_usage);
  auto outcome = co_await ex.ctx.provider->stream(ex.ctx.chat, call, sink);
  if (!outcome) count_upstream_error(metrics_->model(ex.record.model), outcome.error());
  if (ex.writer.client_gone()) co_return;
  co_await sink.finish(outcome);
}

}  // namespace sy::api
