// AWS Bedrock through the Converse API: POST /model/{modelId}/converse and /converse-stream
// (answered in the AWS event-stream binary framing), every request SigV4-signed for service
// "bedrock". Translation lives in bedrock_translate.{h,cpp}, framing in event_stream, signing in
// sigv4.
#include <chrono>
#include <cstdlib>

#include <boost/json/serialize.hpp>

#include "http/upstream.h"
#include "providers/bedrock/bedrock_translate.h"
#include "providers/bedrock/event_stream.h"
#include "providers/bedrock/sigv4.h"
#include "providers/cloud_providers.h"
#include "providers/remote_call.h"
#include "providers/upstream_errors.h"

namespace sy::providers {

namespace {

using core::ChatRequest;
using core::Error;

class BedrockProvider final : public Provider {
 public:
  BedrockProvider(const config::ModelConfig& model, http::Endpoint endpoint, sigv4::Credentials credentials,
                  uint64_t max_body)
      : model_(model), endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), max_body_(max_body) {
    deadlines_.connect = model.timeouts.connect;
    deadlines_.first_byte = model.timeouts.first_byte;
    deadlines_.total = model.timeouts.total;
    scope_.region = model.region.empty() ? std::string("us-east-1") : model.region;
    scope_.service = "bedrock";
    // Model ids carry ':' and inference-profile ARNs '/': both are escaped in the path.
    model_path_ = "/model/" + sigv4::uri_encode(model.upstream_model, false);
  }

  http::awaitable<core::Result<core::ChatResponse>> complete(const ChatRequest& request, CallContext& ctx) override {
    auto converse = bedrock::format_request(request);
    if (!converse) co_return converse.error();
    auto up = co_await call(converse->body, ctx, false);
    if (!up) co_return up.error();
    auto body = co_await (*up)->read_body(max_body_);
    if (!body) co_return body.error();
    co_return bedrock::parse_response(*body, request.kind, meta(request, ctx), converse->json_tool);
  }

  http::awaitable<core::Status> stream(const ChatRequest& request, CallContext& ctx, ChunkSink& sink) override {
    auto converse = bedrock::format_request(request);
    if (!converse) co_return converse.error();
    auto up = co_await call(converse->body, ctx, true);
    if (!up) co_return up.error();
    auto content_type = (*up)->header("content-type");
    if (content_type.find("application/vnd.amazon.eventstream") == std::string_view::npos) {
      co_return Error::upstream("The upstream answered a streaming request without an event stream.");
    }
    bedrock::StreamTranslator translator(request.kind, meta(request, ctx), converse->json_tool);
    event_stream::Decoder decoder;
    std::vector<core::ChatChunk> ready;
    std::optional<Error> failure;
    while (true) {
      auto piece = co_await (*up)->read_some();
      if (!piece) co_return piece.error();
      if (piece->empty()) break;
      ready.clear();
      auto framed = decoder.feed(*piece, [&](event_stream::Message& m) {
        auto s = translator.on_message(m, ready);
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
      if (!framed) co_return framed.error();
    }
    if (decoder.has_partial()) co_return Error::upstream("The upstream's stream ended in the middle of a message.");
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
  bedrock::ResponseMeta meta(const ChatRequest& request, const CallContext& ctx) const {
    bedrock::ResponseMeta m;
    m.id = (request.kind == ChatRequest::Kind::chat ? "chatcmpl-" : "cmpl-") + ctx.request_id;
    m.model = model_.upstream_model;
    m.created = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return m;
  }

  http::Request build(const boost::json::object& converse, bool streaming) const {
    std::string target = model_path_ + (streaming ? "/converse-stream" : "/converse");
    http::Request req{http::bhttp::verb::post, target, 11};
    req.body() = boost::json::serialize(converse);
    req.set(http::bhttp::field::user_agent, "switchyard");
    req.set(http::bhttp::field::accept, streaming ? "application/vnd.amazon.eventstream" : "application/json");
    for (const auto& [name, value] : model_.headers) req.set(name, value);
    const std::string content_type = "application/json";
    const std::string date = sigv4::amz_date(std::chrono::system_clock::now());
    const std::string payload_hash = sigv4::sha256_hex(req.body());
    req.set(http::bhttp::field::content_type, content_type);
    req.set("x-amz-date", date);
    req.set("x-amz-content-sha256", payload_hash);
    sigv4::Request to_sign;
    to_sign.method = "POST";
    to_sign.path = endpoint_.base_path + target;  // as UpstreamCall will send it
    to_sign.payload_sha256 = payload_hash;
    to_sign.headers = {{"content-type", content_type},
                       {"host", endpoint_.host_header},
                       {"x-amz-content-sha256", payload_hash},
                       {"x-amz-date", date}};
    if (!credentials_.session_token.empty()) {
      req.set("x-amz-security-token", credentials_.session_token);
      to_sign.headers.emplace_back("x-amz-security-token", credentials_.session_token);
    }
    auto signature = sigv4::sign(to_sign, credentials_, scope_, date);
    req.set(http::bhttp::field::authorization, signature.authorization);
    return req;
  }

  http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> call(const boost::json::object& converse,
                                                                          CallContext& ctx, bool streaming) {
    ErrorFromBody to_error = [](int status, std::string_view body, std::string_view retry_after) {
      return map_upstream_status(status, bedrock::error_message(body), retry_after);
    };
    co_return co_await start_remote_call(endpoint_, build(converse, streaming), deadlines_, ctx, to_error);
  }

  config::ModelConfig model_;
  http::Endpoint endpoint_;
  sigv4::Credentials credentials_;
  sigv4::Scope scope_;
  http::Deadlines deadlines_;
  uint64_t max_body_;
  std::string model_path_;
};

std::string env_or(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

core::Result<std::unique_ptr<Provider>> make_bedrock_provider(const config::ModelConfig& model,
                                                              const config::Limits& limits) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  // Credentials from the config, else from the standard AWS environment variables.
  sigv4::Credentials credentials;
  credentials.access_key_id = env_or(model.access_key_id, "AWS_ACCESS_KEY_ID");
  credentials.secret_access_key = env_or(model.secret_access_key, "AWS_SECRET_ACCESS_KEY");
  credentials.session_token = model.access_key_id.empty() ? env_or(model.session_token, "AWS_SESSION_TOKEN")
                                                          : model.session_token;
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return core::Error::unavailable("bedrock target '" + model.name +
                                    "' has no AWS credentials (access_key_id and secret_access_key, or the "
                                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables)");
  }
  return std::unique_ptr<Provider>(
      new BedrockProvider(model, std::move(*ep), std::move(credentials), limits.max_upstream_body_bytes));
}

}  // namespace sy::providers
