// POST /v1/chat/completions and /v1/completions: OpenAI's chat and legacy completions, answered
// whole or as a stream in OpenAI's format.
#include "api/body_parsers.h"
#include "api/endpoints.h"
#include "api/model_call.h"

namespace sy::api {

http::awaitable<void> serve_chat_completions(Exchange& ex, const Services& services) {
  static const OpenAIParser parser(core::ChatRequest::Kind::chat);
  co_await serve_model_call(ex, services, parser);
}

http::awaitable<void> serve_completions(Exchange& ex, const Services& services) {
  static const OpenAIParser parser(core::ChatRequest::Kind::completion);
  co_await serve_model_call(ex, services, parser);
}

}  // namespace sy::api
