// Google Gemini (generativelanguage API): generateContent and streamGenerateContent?alt=sse, the
// API key in x-goog-api-key. Translation lives in gemini_translate.{h,cpp}.
#include <openssl/rand.h>

#include <chrono>

#include <boost/json/serialize.hpp>

#include "http/sse.h"
#include "http/upstream.h"
#include "providers/cloud_providers.h"
#include "providers/remote_call.h"
#include "providers/gemini/gemini_translate.h"
#include "providers/upstream_errors.h"

namespace sy::providers {

namespace {

using core::ChatRequest;
using core::Error;

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

class GeminiProvider final : public Provider {
 public:
  GeminiProvider(const config::ModelConfig& model, http::Endpoint endpoint, uint64_t max_body)
      : model_(model), endpoint_(std::move(endpoint)), max_body_(max_body) {
    deadlines_.connect = model.timeouts.connect;
    deadlines_.first_byte = model.timeouts.first_byte;
    deadlines_.total = model.timeouts.total;
    // "gemini-2.0-flash", "models/gemini-2.0-flash" or a tuned model, "tunedModels/my-model".
    upstream_model_ = model.upstream_model;
    if (upstream_model_.rfind("models/", 0) == 0) upstream_model_ = upstream_model_.substr(7);
    std::string resource = upstream_model_.find('/') == std::string::npos ? "/models/" + upstream_model_ : "/" + upstream_model_;
    // base_url may name the API version itself (…/v1beta, …/v1); otherwise v1beta.
    std::string_view base = endpoint_.base_path;
    auto slash = base.rfind('/');
    auto last = slash == std::string_view::npos ? std::string_view() : base.substr(slash);
    bool versioned = last == "/v1beta" || last == "/v1";
    prefix_ = (versioned ? std::string() : std::string("/v1beta")) + resource;
  }

  http::awaitable<core::Result<core::ChatResponse>> complete(const ChatRequest& request, CallContext& ctx) override {
    auto up = co_await call(request, ctx, false);
    if (!up) co_return up.error();
    auto body = co_await (*up)->read_body(max_body_);
    if (!body) co_return body.error();
    co_return gemini::parse_response(*body, request.kind, meta(request, ctx));
  }

  http::awaitable<core::Status> stream(const ChatRequest& request, CallContext& ctx, ChunkSink& sink) override {
    auto up = co_await call(request, ctx, true);
    if (!up) co_return up.error();
    auto content_type = (*up)->header("content-type");
    if (content_type.find("text/event-stream") == std::string_view::npos) {
      co_return Error::upstream("The upstream answered a streaming request without an event stream.");
    }
    gemini::StreamTranslator translator(request.kind, meta(request, ctx));
    http::SseReader reader;
    std::vector<core::ChatChunk> ready;
    std::optional<Error> failure;
    while (true) {
      auto piece = co_await (*up)->read_some();
      if (!piece) co_return piece.error();
      if (piece->empty()) break;  // the body ended: Gemini's stream has no end marker of its own
      ready.clear();
      bool ok = reader.feed(*piece, [&](http::SseEvent& ev) {
        if (ev.data.empty()) return true;
        auto s = translator.on_event(ev.data, ready);
        if (!s) {
          failure = s.error();
          return false;
        }
        return true;
      });
      // Chunks from this piece go out before an error found later in it.
      for (auto& chunk : ready) {
        bool delivered = co_await sink.on_chunk(std::move(chunk));
        if (!delivered) co_return Error::upstream("The client went away.");
      }
      if (failure) co_return *failure;
      if (!ok) co_return Error::upstream("The upstream sent an event larger than this server accepts.");
    }
    if (reader.has_partial()) co_return Error::upstream("The upstream's stream ended in the middle of an event.");
    ready.clear();
    auto end = translator.finish(ready);
    if (!end) co_return end.error();
    for (auto& chunk : ready) {
      bool delivered = co_await sink.on_chunk(std::move(chunk));
      if (!delivered) co_return Error::upstream("The client went away.");
    }
    co_return core::Ok{};
  }

  Health health() const override { return {}; }

 private:
  gemini::ResponseMeta meta(const ChatRequest& request, const CallContext& ctx) const {
    gemini::ResponseMeta m;
    m.id = (request.kind == ChatRequest::Kind::chat ? "chatcmpl-" : "cmpl-") + ctx.request_id;
    m.model = upstream_model_;
    m.created = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    m.call_id_prefix = "call_" + random_hex(8) + "_";
    return m;
  }

  http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> call(const ChatRequest& request, CallContext& ctx,
                                                                          bool streaming) {
    auto body = gemini::format_request(request);
    if (!body) co_return body.error();
    std::string target = prefix_ + (streaming ? ":streamGenerateContent?alt=sse" : ":generateContent");
    http::Request req{http::bhttp::verb::post, target, 11};
    req.set(http::bhttp::field::content_type, "application/json");
    req.set(http::bhttp::field::accept, streaming ? "text/event-stream" : "application/json");
    req.set(http::bhttp::field::user_agent, "switchyard");
    if (!model_.api_key.empty()) req.set("x-goog-api-key", model_.api_key);
    for (const auto& [name, value] : model_.headers) req.set(name, value);
    req.body() = boost::json::serialize(*body);
    req.prepare_payload();
    ErrorFromBody to_error = [](int status, std::string_view body, std::string_view retry_after) {
      return map_upstream_status(status, gemini::error_message(body), retry_after);
    };
    co_return co_await start_remote_call(endpoint_, std::move(req), deadlines_, ctx, to_error);
  }

  config::ModelConfig model_;
  http::Endpoint endpoint_;
  http::Deadlines deadlines_;
  uint64_t max_body_;
  std::string upstream_model_;
  std::string prefix_;
};

}  // namespace

core::Result<std::unique_ptr<Provider>> make_gemini_provider(const config::ModelConfig& model,
                                                             const config::Limits& limits) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  return std::unique_ptr<Provider>(new GeminiProvider(model, std::move(*ep), limits.max_upstream_body_bytes));
}

}  // namespace sy::providers
