// Any host that speaks OpenAI's chat/completions: OpenAI itself, Azure OpenAI (deployment URLs,
// api-version, api-key header), vLLM, Ollama, llama.cpp's server, ...
#include <boost/json/serialize.hpp>

#include "providers/cloud_providers.h"
#include "providers/remote/remote_provider.h"
#include "providers/remote/sse_decoder.h"
#include "providers/upstream_errors.h"
#include "wire/json_fields.h"
#include "wire/openai/chat_request.h"
#include "wire/openai/chat_response.h"
#include "wire/openai/error_json.h"

namespace sy::providers {

namespace {

namespace oa = wire::openai;
using core::ChatRequest;

class OpenAIStream final : public SseDecoder {
 public:
  explicit OpenAIStream(ChatRequest::Kind kind) : kind_(kind) {}
  bool complete() const override { return done_; }

 private:
  core::Status on_event(const http::SseEvent& ev, std::vector<core::ChatChunk>& out) override {
    if (ev.data == "[DONE]") {
      done_ = true;
      return core::Ok{};
    }
    auto chunk = oa::parse_chunk(ev.data, kind_);
    if (!chunk) return chunk.error();
    out.push_back(std::move(*chunk));
    return core::Ok{};
  }
  core::Status on_end(std::vector<core::ChatChunk>&) override {
    return core::Error::upstream("The upstream's stream ended before it was complete.");
  }
  ChatRequest::Kind kind_;
  bool done_ = false;
};

class OpenAICall final : public RemoteCall {
 public:
  explicit OpenAICall(ChatRequest::Kind kind) : kind_(kind) {}
  core::Result<core::ChatResponse> parse_whole(std::string_view body) override { return oa::parse_response(body, kind_); }
  std::unique_ptr<StreamDecoder> stream_decoder() override { return std::make_unique<OpenAIStream>(kind_); }

 private:
  ChatRequest::Kind kind_;
};

class OpenAICodec final : public Codec {
 public:
  explicit OpenAICodec(const config::ModelConfig& model) : model_(model) {}

  core::Result<std::unique_ptr<RemoteCall>> start(const ChatRequest& request, const CallContext& ctx) const override {
    const bool azure = model_.provider == config::ProviderKind::azure;
    std::string path = request.kind == ChatRequest::Kind::completion ? "/completions" : "/chat/completions";
    if (azure) path = "/openai/deployments/" + model_.deployment + path + "?api-version=" + model_.api_version;
    auto call = std::make_unique<OpenAICall>(request.kind);
    auto& req = call->request;
    req = http::Request{http::bhttp::verb::post, path, 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.set(http::bhttp::field::accept, request.stream ? "text/event-stream" : "application/json");
    req.set(http::bhttp::field::user_agent, "switchyard");
    if (!model_.api_key.empty()) {
      if (azure) req.set("api-key", model_.api_key);
      else req.set(http::bhttp::field::authorization, "Bearer " + model_.api_key);
    }
    if (!ctx.request_id.empty()) req.set("x-request-id", ctx.request_id);
    for (const auto& [name, value] : model_.headers) req.set(name, value);
    wire::JsonScratch scratch;  // the tree dies once serialized: build it in an arena
    req.body() = boost::json::serialize(oa::format_request(request, model_.upstream_model, scratch.storage()));
    return std::unique_ptr<RemoteCall>(std::move(call));
  }

  core::Error error_of(int status, std::string_view body, std::string_view retry_after) const override {
    return map_upstream_status(status, oa::upstream_error_message(body), retry_after);
  }

 private:
  config::ModelConfig model_;
};

}  // namespace

core::Result<std::unique_ptr<Provider>> make_openai_compat_provider(const config::ModelConfig& model,
                                                                    const config::Limits& limits) {
  return RemoteProvider::create(model, limits, std::make_unique<OpenAICodec>(model));
}

}  // namespace sy::providers
