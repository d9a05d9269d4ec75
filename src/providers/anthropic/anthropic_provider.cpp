#include "providers/anthropic/anthropic_provider.h"

#include <charconv>

#include <boost/json/serialize.hpp>

#include "http/sse.h"
#include "providers/remote_call.h"
#include "providers/upstream_errors.h"
#include "wire/anthropic/messages_upstream.h"
#include "providers/cloud_providers.h"

namespace sy::providers {

namespace am = wire::anthropic;
using core::ChatRequest;
using core::Error;

namespace {

// An upstream's non-2xx answer: the gateway's status policy (map_upstream_status), except that
// Anthropic's 529 "overloaded" is a 503: not this request's fault, and another target may take it.
Error error_of(int status, std::string_view body, std::string_view retry_after) {
  auto [type, message] = am::error_fields(body);
  if (status != 529) return map_upstream_status(status, message, retry_after);
  auto e = Error::unavailable("The upstream is overloaded (529).");
  e.code = "upstream_overloaded";
  e.upstream_status = 529;
  e.upstream_message = message;
  int seconds = 0;
  auto [end, ec] = std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (ec == std::errc() && seconds >= 0) e.retry_after_s = seconds;
  return e;
}

}  // namespace

core::Result<std::unique_ptr<Provider>> make_anthropic_provider(const config::ModelConfig& model, const config::Limits& limits) {
  return AnthropicProvider::create(model, limits);
}

core::Result<std::unique_ptr<Provider>> AnthropicProvider::create(const config::ModelConfig& model,
                                                                  const config::Limits& limits) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  return std::unique_ptr<Provider>(new AnthropicProvider(model, std::move(*ep), limits.max_upstream_body_bytes));
}

AnthropicProvider::AnthropicProvider(const config::ModelConfig& model, http::Endpoint endpoint, uint64_t max_body)
    : model_(model), endpoint_(std::move(endpoint)), max_body_(max_body) {
  deadlines_.connect = model.timeouts.connect;
  deadlines_.first_byte = model.timeouts.first_byte;
  deadlines_.total = model.timeouts.total;
}

http::Request AnthropicProvider::build(const ChatRequest& request, const CallContext& ctx) const {
  http::Request req{http::bhttp::verb::post, "/v1/messages", 11};
  req.set(http::bhttp::field::content_type, "application/json");
  req.set(http::bhttp::field::accept, request.stream ? "text/event-stream" : "application/json");
  req.set(http::bhttp::field::user_agent, "switchyard");
  if (!model_.api_key.empty()) req.set("x-api-key", model_.api_key);
  req.set("anthropic-version", model_.api_version.empty() ? "2023-06-01" : model_.api_version);
  if (!ctx.request_id.empty()) req.set("x-request-id", ctx.request_id);
  for (const auto& [name, value] : model_.headers) req.set(name, value);
  req.body() = boost::json::serialize(am::format_request(request, model_.upstream_model));
  return req;
}

http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> AnthropicProvider::call(const ChatRequest& request,
                                                                                           CallContext& ctx) {
  ErrorFromBody to_error = [](int status, std::string_view body, std::string_view retry_after) {
    return error_of(status, body, retry_after);
  };
  co_return co_await start_remote_call(endpoint_, build(request, ctx), deadlines_, ctx, to_error);
}

http::awaitable<core::Result<core::ChatResponse>> AnthropicProvider::complete(const ChatRequest& request,
                                                                             CallContext& ctx) {
  auto up = co_await call(request, ctx);
  if (!up) co_return up.error();
  auto body = co_await (*up)->read_body(max_body_);
  if (!body) co_return body.error();
  co_return am::parse_response(*body);
}

http::awaitable<core::Status> AnthropicProvider::stream(const ChatRequest& request, CallContext& ctx, ChunkSink& sink) {
  auto up = co_await call(request, ctx);
  if (!up) co_return up.error();
  auto content_type = (*up)->header("content-type");
  if (content_type.find("text/event-stream") == std::string_view::npos) {
    co_return Error::upstream("The upstream answered a streaming request without an event stream.");
  }
  http::SseReader reader;
  am::StreamDecoder decoder(model_.upstream_model);
  std::vector<core::ChatChunk> ready;
  std::optional<Error> failure;
  while (!decoder.finished()) {
    auto piece = co_await (*up)->read_some();
    if (!piece) co_return piece.error();
    if (piece->empty()) break;  // the body ended
    ready.clear();
    bool ok = reader.feed(*piece, [&](http::SseEvent& ev) {
      auto chunks = decoder.on_event(ev.event, ev.data);
      if (!chunks) {
        failure = chunks.error();
        return false;
      }
      for (auto& c : *chunks) ready.push_back(std::move(c));
      return !decoder.finished();
    });
    // Chunks parsed from this piece go out before any error found later in the same piece.
    for (auto& chunk : ready) {
      bool delivered = co_await sink.on_chunk(std::move(chunk));
      if (!delivered) co_return Error::upstream("The client went away.");
    }
    if (failure) co_return *failure;
    if (!ok && !decoder.finished()) co_return Error::upstream("The upstream sent an event larger than this server accepts.");
  }
  if (!decoder.finished()) co_return Error::upstream("The upstream's stream ended before it was complete.");
  // Read the body's end too, so the connection can go back to the pool.
  while (!(*up)->done()) {
    auto rest = co_await (*up)->read_some();
    if (!rest || rest->empty()) break;
  }
  co_return core::Ok{};
}

}  // namespace sy::providers
