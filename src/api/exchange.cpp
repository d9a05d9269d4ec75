#include "api/exchange.h"

#include "api/request_id.h"
#include "http/sse.h"
#include "wire/openai/chat_response.h"
#include "wire/openai/error_json.h"

namespace sy::api {

namespace bhttp = http::bhttp;

namespace {

class OpenAIStreamFormat final : public StreamFormat {
 public:
  OpenAIStreamFormat(core::ChatRequest::Kind kind, bool include_usage) : kind_(kind), include_usage_(include_usage) {}
  std::string chunk(const core::ChatChunk& c) override {
    if (!include_usage_ && c.usage) {
      if (c.choices.empty()) return {};  // the usage chunk the client did not ask for
      auto copy = c;
      copy.usage.reset();
      return http::sse_event(wire::openai::format_chunk(copy, kind_));
    }
    return http::sse_event(wire::openai::format_chunk(c, kind_));
  }
  std::string done() override { return "data: [DONE]\n\n"; }
  // Mid-stream: the head already said 200. A clean error event, as OpenAI's SDKs read it.
  std::string error(const core::Error& e) override { return http::sse_event(wire::openai::format_error(e)); }

 private:
  core::ChatRequest::Kind kind_;
  bool include_usage_;
};

class OpenAIDialect final : public ClientDialect {
 public:
  std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) const override {
    return wire::openai::format_response(r, request.kind);
  }
  std::string format_error(const core::Error& e) const override { return wire::openai::format_error(e); }
  std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest& request) const override {
    return std::make_unique<OpenAIStreamFormat>(request.kind, request.stream_options.include_usage);
  }
};

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

const ClientDialect& openai_dialect() {
  static const OpenAIDialect dialect;
  return dialect;
}

Exchange::Exchange(http::Request& req, http::ResponseWriter& w) : request(req), writer(w) {
  auto& s = state;
  s.http = &request;
  s.client = &writer;
  auto& r = s.record;
  r.ts_ms = unix_ms_now();
  // Ours is unique, so no two audit records share one; the client's is kept beside it and echoed.
  r.request_id = new_request_id();
  r.client_request_id = client_request_id(request["x-request-id"]);
  r.method = std::string(request.method_string());
  auto target = request.target();
  r.path = std::string(target.substr(0, target.find('?')));
}

void Exchange::decorate(http::ResponseHeader& h) const {
  const auto& r = state.record;
  h.set("x-request-id", r.client_request_id.empty() ? r.request_id : r.client_request_id);
  h.set("x-switchyard-request-id", r.request_id);
  if (!state.model_call) return;
  if (!r.target.empty()) h.set("x-switchyard-route", r.target);
  if (!r.target.empty() && !r.version.empty()) h.set("x-switchyard-version", r.version);
  h.set("x-switchyard-privacy", r.privacy.empty() ? std::string("any") : r.privacy);
  if (!r.cache.empty()) h.set("x-switchyard-cache", r.cache);
}

http::awaitable<void> Exchange::send_text(int status, std::string body, std::string_view content_type,
                                          std::optional<int> retry_after_s) {
  http::Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, content_type);
  if (retry_after_s) res.set(bhttp::field::retry_after, std::to_string(*retry_after_s));
  decorate(res.base());
  res.body() = std::move(body);
  state.record.status = status;
  co_await writer.send(std::move(res));
}

http::awaitable<void> Exchange::send_json(int status, std::string body) {
  co_await send_text(status, std::move(body), "application/json");
}

http::awaitable<void> Exchange::send_error(const core::Error& e) {
  state.record.error_type = e.type;
  co_await send_text(e.status, dialect->format_error(e), "application/json", e.retry_after_s);
}

}  // namespace sy::api
