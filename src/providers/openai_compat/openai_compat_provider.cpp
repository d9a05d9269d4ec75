#include "providers/openai_compat/openai_compat_provider.h"

#include <boost/json/serialize.hpp>

#include "wire/openai/chat_request.h"
#include "wire/openai/chat_response.h"
#include "wire/openai/error_json.h"
#include "http/sse.h"
#include "providers/remote_call.h"
#include "providers/upstream_errors.h"

namespace sy::providers {

namespace oa = wire::openai;
using core::ChatRequest;
using core::Error;

core::Result<std::unique_ptr<Provider>> OpenAICompatProvider::create(const config::ModelConfig& model,
                                                                     const config::Limits& limits) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  return std::unique_ptr<Provider>(new OpenAICompatProvider(model, std::move(*ep), limits.max_upstream_body_bytes));
}

OpenAICompatProvider::OpenAICompatProvider(const config::ModelConfig& model, http::Endpoint endpoint,
                                           uint64_t max_body)
    : model_(model), endpoint_(std::move(endpoint)), max_body_(max_body) {
  deadlines_.connect = model.timeouts.connect;
  deadlines_.first_byte = model.timeouts.first_byte;
  deadlines_.total = model.timeouts.total;
}

http::Request OpenAICompatProvider::build(const ChatRequest& request, const CallContext& ctx) const {
  const bool azure = model_.provider == config::ProviderKind::azure;
  std::string path = request.kind == ChatRequest::Kind::completion ? "/completions" : "/chat/completions";
  if (azure) path = "/openai/deployments/" + model_.deployment + path + "?api-version=" + model_.api_version;
  http::Request req{http::bhttp::verb::post, path, 11};
  req.set(http::bhttp::field::content_type, "application/json");
  req.set(http::bhttp::field::accept, request.stream ? "text/event-stream" : "application/json");
  req.set(http::bhttp::field::user_agent, "switchyard");
  if (!model_.api_key.empty()) {
    if (azure) req.set("api-key", model_.api_key);
    else req.set(http::bhttp::field::authorization, "Bearer " + model_.api_key);
  }
  if (!ctx.request_id.empty()) req.set("x-request-id", ctx.request_id);
  for (const auto& [name, value] : model_.headers) req.set(name, value);
  req.body() = boost::json::serialize(oa::format_request(request, model_.upstream_model));
  return req;
}

http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> OpenAICompatProvider::call(
    const ChatRequest& request, CallContext& ctx) {
  ErrorFromBody to_error = [](int status, std::string_view body, std::string_view retry_after) {
    return map_upstream_status(status, oa::upstream_error_message(body), retry_after);
  };
  co_return co_await start_remote_call(endpoint_, build(request, ctx), deadlines_, ctx, to_error);
}

http::awaitable<core::Result<core::ChatResponse>> OpenAICompatProvider::complete(const ChatRequest& request,
                                                                                CallContext& ctx) {
  auto up = co_await call(request, ctx);
  if (!up) co_return up.error();
  auto body = co_await (*up)->read_body(max_body_);
  if (!body) co_return body.error();
  co_return oa::parse_response(*body, request.kind);
}

http::awaitable<core::Status> OpenAICompatProvider::stream(const ChatRequest& request, CallContext& ctx,
                                                           ChunkSink& sink) {
  auto up = co_await call(request, ctx);
  if (!up) co_return up.error();
  auto content_type = (*up)->header("content-type");
  if (content_type.find("text/event-stream") == std::string_view::npos) {
    co_return Error::upstream("The upstream answered a streaming request without an event stream.");
  }
  http::SseReader reader;
  bool done = false;
  std::vector<core::ChatChunk> ready;
  std::optional<Error> failure;
  while (!done) {
    auto piece = co_await (*up)->read_some();
    if (!piece) co_return piece.error();
    if (piece->empty()) break;  // the body ended
    ready.clear();
    bool ok = reader.feed(*piece, [&](http::SseEvent& ev) {
      if (ev.data == "[DONE]") {
        done = true;
        return false;
      }
      auto chunk = oa::parse_chunk(ev.data, request.kind);
      if (!chunk) {
        failure = chunk.error();
        return false;
      }
      ready.push_back(std::move(*chunk));
      return true;
    });
    // Chunks parsed from this piece go out before any error found later in the same piece.
    for (auto& chunk : ready) {
      bool delivered = co_await sink.on_chunk(std::move(chunk));
      if (!delivered) co_return Error::upstream("The client went away.");
    }
    if (failure) co_return *failure;
    if (!ok && !done) co_return Error::upstream("The upstream sent an event larger than this server accepts.");
  }
  if (!done) co_return Error::upstream("The upstream's stream ended before it was complete.");
  // Read the body's end too, so the connection can go back to the pool.
  while (!(*up)->done()) {
    auto rest = co_await (*up)->read_some();
    if (!rest || rest->empty()) break;
  }
  co_return core::Ok{};
}

}  // namespace sy::providers
