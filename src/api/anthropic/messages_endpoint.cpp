// Placeholder until the Anthropic ingress lands.
#include "api/exchange.h"
#include "api/gateway.h"

namespace sy::api {

http::awaitable<void> Gateway::serve_messages(Exchange& ex) {
  co_await ex.send_error(core::Error::not_found("POST /v1/messages has not landed yet"));
}

http::awaitable<void> Gateway::serve_count_tokens(Exchange& ex) {
  co_await ex.send_error(core::Error::not_found("POST /v1/messages/count_tokens has not landed yet"));
}

}  // namespace sy::api
