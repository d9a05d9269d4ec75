// POST /v1/messages and /v1/messages/count_tokens: Anthropic's Messages API as an ingress. The
// request runs the same chain as chat/completions, so any target can answer an Anthropic client;
// only the answer's format differs (anthropic::dialect).
#include <boost/json.hpp>

#include "api/anthropic/dialect.h"
#include "api/body_parsers.h"
#include "api/endpoints.h"
#include "api/model_call.h"
#include "core/utf8.h"
#include "providers/local/local_provider.h"

namespace sy::api {

namespace json = boost::json;

http::awaitable<void> serve_messages(Exchange& ex, const Services& services) {
  static const AnthropicParser parser(wire::anthropic::RequestPurpose::messages);
  ex.dialect = &anthropic::dialect();
  co_await serve_model_call(ex, services, parser);
}

namespace {

// About four characters a token: what a cloud target's tokenizer is not here to say exactly.
int64_t estimate_tokens(const core::ChatRequest& r) {
  size_t chars = 0;
  auto count = [&](std::string_view s) { chars += core::code_points(s); };
  for (const auto& m : r.messages) {
    count(m.text());
    for (const auto& call : m.tool_calls) {
      count(call.name);
      count(call.arguments);
    }
  }
  if (auto* tools = r.extensions.if_contains("tools")) count(json::serialize(*tools));
  return static_cast<int64_t>((chars + 3) / 4);
}

}  // namespace

// The tokens a request would take at the target that would answer it: its own tokenizer when that
// is a loaded local model (the version model@version pins, if any), an estimate otherwise.
http::awaitable<void> serve_count_tokens(Exchange& ex, const Services& services) {
  static const AnthropicParser parser(wire::anthropic::RequestPurpose::count_tokens);
  ex.dialect = &anthropic::dialect();
  auto& s = ex.state;
  s.parser = &parser;
  auto admitted = co_await services.chains.chat.dry_run(s);
  // A request no target may take (privacy, availability) can still be counted; one the caller may
  // not make at all cannot.
  if (!admitted && admitted.error().type != "privacy_policy" && admitted.error().status != 503) {
    co_await ex.send_error(admitted.error());
    co_return;
  }
  std::optional<int64_t> tokens;
  if (!s.targets.empty() && s.targets.front().deployment && s.targets.front().deployment->local) {
    if (auto engine = s.targets.front().deployment->local->engine()) {
      if (auto prompt = engine->chat_prompt(s.chat)) tokens = static_cast<int64_t>(prompt->size());
    }
  }
  if (!tokens) tokens = estimate_tokens(s.chat);
  // A named body, not a braced temporary in the co_await's arguments (GCC 12: see src/README.md).
  std::string body = json::serialize(json::object{{"input_tokens", *tokens}});
  co_await ex.send_json(200, std::move(body));
}

}  // namespace sy::api
