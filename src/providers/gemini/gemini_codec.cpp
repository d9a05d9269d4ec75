// Google Gemini (generativelanguage API): generateContent and streamGenerateContent?alt=sse, the
// API key in x-goog-api-key. Translation lives in gemini_translate.{h,cpp}.
#include <openssl/rand.h>

#include <chrono>

#include <boost/json/serialize.hpp>

#include "providers/cloud_providers.h"
#include "providers/gemini/gemini_translate.h"
#include "providers/remote/remote_provider.h"
#include "providers/remote/sse_decoder.h"
#include "providers/upstream_errors.h"

namespace sy::providers {

namespace {

using core::ChatRequest;

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// Gemini's stream has no end marker of its own: it ends with the body.
class GeminiStream final : public SseDecoder {
 public:
  GeminiStream(ChatRequest::Kind kind, gemini::ResponseMeta meta) : translator_(kind, std::move(meta)) {}
  bool complete() const override { return false; }

 private:
  core::Status on_event(const http::SseEvent& ev, std::vector<core::ChatChunk>& out) override {
    if (ev.data.empty()) return core::Ok{};
    return translator_.on_event(ev.data, out);
  }
  core::Status on_end(std::vector<core::ChatChunk>& out) override { return translator_.finish(out); }
  gemini::StreamTranslator translator_;
};

class GeminiCall final : public RemoteCall {
 public:
  GeminiCall(ChatRequest::Kind kind, gemini::ResponseMeta meta) : kind_(kind), meta_(std::move(meta)) {}
  core::Result<core::ChatResponse> parse_whole(std::string_view body) override {
    return gemini::parse_response(body, kind_, meta_);
  }
  std::unique_ptr<StreamDecoder> stream_decoder() override { return std::make_unique<GeminiStream>(kind_, meta_); }

 private:
  ChatRequest::Kind kind_;
  gemini::ResponseMeta meta_;
};

class GeminiCodec final : public Codec {
 public:
  GeminiCodec(const config::ModelConfig& model, std::string_view base_path) : model_(model) {
    // "gemini-2.0-flash", "models/gemini-2.0-flash" or a tuned model, "tunedModels/my-model".
    upstream_model_ = model.upstream_model;
    if (upstream_model_.rfind("models/", 0) == 0) upstream_model_ = upstream_model_.substr(7);
    std::string resource = upstream_model_.find('/') == std::string::npos ? "/models/" + upstream_model_ : "/" + upstream_model_;
    // base_url may name the API version itself (…/v1beta, …/v1); otherwise v1beta.
    auto slash = base_path.rfind('/');
    auto last = slash == std::string_view::npos ? std::string_view() : base_path.substr(slash);
    bool versioned = last == "/v1beta" || last == "/v1";
    prefix_ = (versioned ? std::string() : std::string("/v1beta")) + resource;
  }

  core::Result<std::unique_ptr<RemoteCall>> start(const ChatRequest& request, const CallContext& ctx) const override {
    auto body = gemini::format_request(request);
    if (!body) return body.error();
    gemini::ResponseMeta meta;
    meta.id = (request.kind == ChatRequest::Kind::chat ? "chatcmpl-" : "cmpl-") + ctx.request_id;
    meta.model = upstream_model_;
    meta.created = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    meta.call_id_prefix = "call_" + random_hex(8) + "_";
    auto call = std::make_unique<GeminiCall>(request.kind, std::move(meta));
    auto& req = call->request;
    std::string target = prefix_ + (request.stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    req = http::Request{http::bhttp::verb::post, target, 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.set(http::bhttp::field::accept, request.stream ? "text/event-stream" : "application/json");
    req.set(http::bhttp::field::user_agent, "switchyard");
    if (!model_.api_key.empty()) req.set("x-goog-api-key", model_.api_key);
    for (const auto& [name, value] : model_.headers) req.set(name, value);
    req.body() = boost::json::serialize(*body);
    return std::unique_ptr<RemoteCall>(std::move(call));
  }

  core::Error error_of(int status, std::string_view body, std::string_view retry_after) const override {
    return map_upstream_status(status, gemini::error_message(body), retry_after);
  }

 private:
  config::ModelConfig model_;
  std::string upstream_model_;
  std::string prefix_;
};

}  // namespace

core::Result<std::unique_ptr<Provider>> make_gemini_provider(const config::ModelConfig& model, const config::Limits& limits) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  return RemoteProvider::create(model, limits, std::make_unique<GeminiCodec>(model, ep->base_path));
}

}  // namespace sy::providers
