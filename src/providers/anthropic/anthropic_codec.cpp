// Provider `anthropic`: Anthropic's Messages API (POST {base_url}/v1/messages, x-api-key,
// anthropic-version), answers whole or as Anthropic's SSE events (wire/anthropic/messages_upstream).
#include <charconv>

#include <boost/json/serialize.hpp>

#include "providers/cloud_providers.h"
#include "providers/remote/remote_provider.h"
#include "providers/remote/sse_decoder.h"
#include "providers/upstream_errors.h"
#include "wire/anthropic/messages_upstream.h"

namespace sy::providers {

namespace {

namespace am = wire::anthropic;
using core::ChatRequest;
using core::Error;

class AnthropicStream final : public SseDecoder {
 public:
  explicit AnthropicStream(std::string model) : decoder_(std::move(model)) {}
  bool complete() const override { return decoder_.finished(); }

 private:
  core::Status on_event(const http::SseEvent& ev, std::vector<core::ChatChunk>& out) override {
    auto chunks = decoder_.on_event(ev.event, ev.data);
    if (!chunks) return chunks.error();
    for (auto& c : *chunks) out.push_back(std::move(c));
    return core::Ok{};
  }
  core::Status on_end(std::vector<core::ChatChunk>&) override {
    return Error::upstream("The upstream's stream ended before it was complete.");
  }
  am::StreamDecoder decoder_;
};

class AnthropicCall final : public RemoteCall {
 public:
  explicit AnthropicCall(std::string model) : model_(std::move(model)) {}
  core::Result<core::ChatResponse> parse_whole(std::string_view body) override { return am::parse_response(body); }
  std::unique_ptr<StreamDecoder> stream_decoder() override { return std::make_unique<AnthropicStream>(model_); }

 private:
  std::string model_;
};

class AnthropicCodec final : public Codec {
 public:
  explicit AnthropicCodec(const config::ModelConfig& model) : model_(model) {}

  core::Result<std::unique_ptr<RemoteCall>> start(const ChatRequest& request, const CallContext& ctx) const override {
    auto call = std::make_unique<AnthropicCall>(model_.upstream_model);
    auto& req = call->request;
    req = http::Request{http::bhttp::verb::post, "/v1/messages", 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.set(http::bhttp::field::accept, request.stream ? "text/event-stream" : "application/json");
    req.set(http::bhttp::field::user_agent, "switchyard");
    if (!model_.api_key.empty()) req.set("x-api-key", model_.api_key);
    req.set("anthropic-version", model_.api_version.empty() ? "2023-06-01" : model_.api_version);
    if (!ctx.request_id.empty()) req.set("x-request-id", ctx.request_id);
    for (const auto& [name, value] : model_.headers) req.set(name, value);
    req.body() = boost::json::serialize(am::format_request(request, model_.upstream_model));
    return std::unique_ptr<RemoteCall>(std::move(call));
  }

  // The gateway's status policy, except that Anthropic's 529 "overloaded" is a 503: not this
  // request's fault, and another target may take it.
  Error error_of(int status, std::string_view body, std::string_view retry_after) const override {
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

 private:
  config::ModelConfig model_;
};

}  // namespace

core::Result<std::unique_ptr<Provider>> make_anthropic_provider(const config::ModelConfig& model, const config::Limits& limits) {
  return RemoteProvider::create(model, limits, std::make_unique<AnthropicCodec>(model));
}

}  // namespace sy::providers
