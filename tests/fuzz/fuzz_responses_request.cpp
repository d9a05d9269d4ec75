// Responses API request bodies (network input): parse_responses_request never crashes, refuses
// with a 400 (or a 404 for a stored response or item it cannot find), and a body it accepts
// becomes a chat request that an OpenAI-compatible upstream would accept: formatted as a chat
// body, it parses again with the chat parser.
#include <string>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "fuzz_check.h"
#include "wire/openai/chat_request.h"
#include "wire/openai/responses_request.h"

namespace sy::fuzz {

namespace oa = wire::openai;

namespace {

// A history that knows one response and one item, so the paths that splice them in run too.
class OneOfEach final : public oa::ResponseHistory {
 public:
  std::optional<std::vector<core::Message>> conversation(std::string_view id) const override {
    if (id != "resp_1") return std::nullopt;
    core::Message user;
    user.role = "user";
    user.parts.push_back({core::ContentPart::Kind::text, "earlier", {}, {}});
    return std::vector<core::Message>{user};
  }
  std::optional<core::Message> item(std::string_view id) const override {
    if (id != "fc_1") return std::nullopt;
    core::Message call;
    call.role = "assistant";
    call.content_is_null = true;
    call.tool_calls.push_back({"call_1", "f", "{}"});
    return call;
  }
};

}  // namespace

void check(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  static const OneOfEach history;
  auto parsed = oa::parse_responses_request(body, &history);
  if (!parsed) {
    auto status = parsed.error().status;
    FUZZ_CHECK(status == 400 || status == 404, "a rejected body must be a 400 or 404, got " + std::to_string(status) +
                                                   ": " + parsed.error().message);
    FUZZ_CHECK(!parsed.error().message.empty(), "an error says why");
    return;
  }
  FUZZ_CHECK(!parsed->chat.model.empty(), "an accepted request names its model");
  FUZZ_CHECK(!parsed->chat.messages.empty(), "an accepted request has messages");
  auto formatted = boost::json::serialize(oa::format_request(parsed->chat, parsed->chat.model));
  auto again = oa::parse_chat_request(formatted);
  FUZZ_CHECK(again.ok(), "the chat body made from an accepted request does not parse: " +
                             (again ? std::string() : again.error().message) + "\nchat body: " + formatted);
}

}  // namespace sy::fuzz
