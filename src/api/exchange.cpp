#include "api/exchange.h"

#include "wire/openai/chat_response.h"
#include "wire/openai/error_json.h"
#include "http/sse.h"

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

}  // namespace

const ClientDialect& openai_dialect() {
  static const OpenAIDialect dialect;
  return dialect;
}

void Exchange::decorate(http::ResponseHeader& h) const {
  h.set("x-request-id", ctx.request_id);
  if (chat) {
    if (ctx.target) h.set("x-switchyard-route", ctx.target->name);
    if (ctx.target && !ctx.version.empty()) h.set("x-switchyard-version", ctx.version);
    h.set("x-switchyard-privacy", ctx.privacy);
  }
}

http::awaitable<void> Exchange::send_text(int status, std::string body, std::string_view content_type,
                                          std::optional<int> retry_after_s) {
  http::Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, content_type);
  if (retry_after_s) res.set(bhttp::field::retry_after, std::to_string(*retry_after_s));
  decorate(res.base());
  res.body() = std::move(body);
  record.status = status;
  co_await writer.send(std::move(res));
}

http::awaitable<void> Exchange::send_json(int status, std::string body) {
  co_await send_text(status, std::move(body), "application/json");
}

http::awaitable<void> Exchange::send_error(const core::Error& e) {
  record.error_type = e.type;
  co_await send_text(e.status, dialect->format_error(e), "application/json", e.retry_after_s);
}

}  // namespace sy::api
