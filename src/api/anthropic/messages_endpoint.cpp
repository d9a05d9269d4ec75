// POST /v1/messages and /v1/messages/count_tokens: Anthropic's Messages API as an ingress. The
// request is parsed into core terms, then runs the same executor as chat/completions (auth,
// chain, candidates, fallback, streaming); only the answer's format differs (anthropic::dialect).
#include <boost/json.hpp>

#include "wire/anthropic/messages_request.h"
#include "api/anthropic/dialect.h"
#include "api/exchange.h"
#include "api/gateway.h"
#include "providers/local/local_provider.h"

namespace sy::api {

namespace json = boost::json;

http::awaitable<void> Gateway::serve_messages(Exchange& ex) {
  ex.dialect = &anthropic::dialect();
  ex.chat = true;
  if (auto v = auth_->on_request(ex.ctx); !v) {
    co_await ex.send_error(v.error());
    co_return;
  }
  auto parsed = wire::anthropic::parse_messages_request(ex.request.body());
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  ex.ctx.chat = std::move(*parsed);
  co_await execute_chat(ex);
}

namespace {

// About four characters a token: what a cloud target's tokenizer is not here to say exactly.
int64_t estimate_tokens(const core::ChatRequest& r) {
  size_t chars = 0;
  auto count = [&](std::string_view s) {
    for (unsigned char c : s) chars += (c & 0xC0) != 0x80;  // code points, not bytes
  };
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

http::awaitable<void> Gateway::serve_count_tokens(Exchange& ex) {
  ex.dialect = &anthropic::dialect();
  if (auto v = auth_->on_request(ex.ctx); !v) {
    co_await ex.send_error(v.error());
    co_return;
  }
  auto parsed = wire::anthropic::parse_messages_request(ex.request.body(), wire::anthropic::RequestPurpose::count_tokens);
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  ex.record.model = parsed->model;
  auto decision = router_->decide(*parsed, ex.ctx.principal);
  if (!decision) {
    co_await ex.send_error(decision.error());
    co_return;
  }
  // The first target's own tokenizer when it is a loaded local model; an estimate otherwise.
  std::optional<int64_t> tokens;
  if (!decision->candidates.empty()) {
    if (auto* local = local_provider(decision->candidates.front().model->name)) {
      if (auto engine = local->engine()) {
        if (auto prompt = engine->chat_prompt(*parsed)) tokens = static_cast<int64_t>(prompt->size());
      }
    }
  }
  if (!tokens) tokens = estimate_tokens(*parsed);
  // A named body, not a braced temporary in the co_await's arguments (GCC 12: see src/README.md).
  std::string body = json::serialize(json::object{{"input_tokens", *tokens}});
  co_await ex.send_json(200, std::move(body));
}

}  // namespace sy::api
