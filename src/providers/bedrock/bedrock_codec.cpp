// AWS Bedrock through the Converse API: POST /model/{modelId}/converse and /converse-stream
// (answered in the AWS event-stream binary framing), every request SigV4-signed for service
// "bedrock". Translation lives in bedrock_translate.{h,cpp}, framing in event_stream, signing in
// sigv4.
#include <chrono>
#include <cstdlib>

#include <boost/json/serialize.hpp>

#include "providers/bedrock/bedrock_translate.h"
#include "providers/bedrock/event_stream.h"
#include "providers/bedrock/sigv4.h"
#include "providers/cloud_providers.h"
#include "providers/remote/remote_provider.h"
#include "providers/upstream_errors.h"

namespace sy::providers {

namespace {

using core::ChatRequest;
using core::Error;

class BedrockStream final : public StreamDecoder {
 public:
  BedrockStream(ChatRequest::Kind kind, bedrock::ResponseMeta meta, std::string json_tool)
      : translator_(kind, std::move(meta), std::move(json_tool)) {}

  core::Status feed(std::string_view bytes, std::vector<core::ChatChunk>& out) override {
    core::Status failure = core::Ok{};
    auto framed = decoder_.feed(bytes, [&](event_stream::Message& m) {
      failure = translator_.on_message(m, out);
      return failure.ok();
    });
    if (!failure) return failure;
    return framed;
  }
  bool complete() const override { return false; }  // the stream ends with the body
  core::Status finish(std::vector<core::ChatChunk>& out) override {
    if (decoder_.has_partial()) return Error::upstream("The upstream's stream ended in the middle of a message.");
    return translator_.finish(out);
  }

 private:
  event_stream::Decoder decoder_;
  bedrock::StreamTranslator translator_;
};

class BedrockCall final : public RemoteCall {
 public:
  BedrockCall(ChatRequest::Kind kind, bedrock::ResponseMeta meta, std::string json_tool)
      : kind_(kind), meta_(std::move(meta)), json_tool_(std::move(json_tool)) {}
  core::Result<core::ChatResponse> parse_whole(std::string_view body) override {
    return bedrock::parse_response(body, kind_, meta_, json_tool_);
  }
  std::unique_ptr<StreamDecoder> stream_decoder() override {
    return std::make_unique<BedrockStream>(kind_, meta_, json_tool_);
  }

 private:
  ChatRequest::Kind kind_;
  bedrock::ResponseMeta meta_;
  std::string json_tool_;
};

class BedrockCodec final : public Codec {
 public:
  BedrockCodec(const config::ModelConfig& model, const http::Endpoint& endpoint, sigv4::Credentials credentials)
      : model_(model), credentials_(std::move(credentials)), base_path_(endpoint.base_path), host_(endpoint.host_header) {
    scope_.region = model.region.empty() ? std::string("us-east-1") : model.region;
    scope_.service = "bedrock";
    // Model ids carry ':' and inference-profile ARNs '/': both are escaped in the path.
    model_path_ = "/model/" + sigv4::uri_encode(model.upstream_model, false);
  }

  core::Result<std::unique_ptr<RemoteCall>> start(const ChatRequest& request, const CallContext& ctx) const override {
    auto converse = bedrock::format_request(request);
    if (!converse) return converse.error();
    bedrock::ResponseMeta meta;
    meta.id = (request.kind == ChatRequest::Kind::chat ? "chatcmpl-" : "cmpl-") + ctx.request_id;
    meta.model = model_.upstream_model;
    meta.created = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto call = std::make_unique<BedrockCall>(request.kind, std::move(meta), converse->json_tool);
    call->request = signed_request(converse->body, request.stream);
    return std::unique_ptr<RemoteCall>(std::move(call));
  }

  Error error_of(int status, std::string_view body, std::string_view retry_after) const override {
    return map_upstream_status(status, bedrock::error_message(body), retry_after);
  }
  std::string_view stream_content_type() const override { return "application/vnd.amazon.eventstream"; }

 private:
  http::Request signed_request(const boost::json::object& converse, bool streaming) const {
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
    to_sign.path = base_path_ + target;  // as UpstreamCall will send it
    to_sign.payload_sha256 = payload_hash;
    to_sign.headers = {{"content-type", content_type}, {"host", host_}, {"x-amz-content-sha256", payload_hash}, {"x-amz-date", date}};
    if (!credentials_.session_token.empty()) {
      req.set("x-amz-security-token", credentials_.session_token);
      to_sign.headers.emplace_back("x-amz-security-token", credentials_.session_token);
    }
    auto signature = sigv4::sign(to_sign, credentials_, scope_, date);
    req.set(http::bhttp::field::authorization, signature.authorization);
    return req;
  }

  config::ModelConfig model_;
  sigv4::Credentials credentials_;
  sigv4::Scope scope_;
  std::string base_path_;
  std::string host_;
  std::string model_path_;
};

std::string env_or(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

core::Result<std::unique_ptr<Provider>> make_bedrock_provider(const config::ModelConfig& model, const config::Limits& limits) {
  auto ep = http::make_endpoint(model.base_url, model.ca_file);
  if (!ep) return ep.error();
  // Credentials from the config, else from the standard AWS environment variables.
  sigv4::Credentials credentials;
  credentials.access_key_id = env_or(model.access_key_id, "AWS_ACCESS_KEY_ID");
  credentials.secret_access_key = env_or(model.secret_access_key, "AWS_SECRET_ACCESS_KEY");
  credentials.session_token = model.access_key_id.empty() ? env_or(model.session_token, "AWS_SESSION_TOKEN")
                                                          : model.session_token;
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Error::unavailable("bedrock target '" + model.name +
                              "' has no AWS credentials (access_key_id and secret_access_key, or the "
                              "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables)");
  }
  return RemoteProvider::create(model, limits, std::make_unique<BedrockCodec>(model, *ep, std::move(credentials)));
}

}  // namespace sy::providers
