#include "api/exchange.h"

#include "api/openai/error_json.h"

namespace sy::api {

namespace bhttp = http::bhttp;

void Exchange::decorate(http::ResponseHeader& h) const {
  h.set("x-request-id", ctx.request_id);
  if (chat) {
    if (ctx.target) h.set("x-switchyard-route", ctx.target->name);
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
  co_await send_text(e.status, api::openai::format_error(e), "application/json", e.retry_after_s);
}

}  // namespace sy::api
