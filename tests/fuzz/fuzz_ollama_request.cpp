// Ollama request bodies (network input, /api/chat and /api/generate): the parsers never crash; a
// rejected body is a 400 with a message; an accepted one has a model and formats to an OpenAI
// upstream body that OpenAI's own request parser accepts (what the gateway forwards is valid).
#include <string>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "fuzz_check.h"
#include "wire/ollama/ollama_request.h"
#include "wire/openai/chat_request.h"

namespace sy::fuzz {

namespace {

using Parser = core::Result<core::ChatRequest> (*)(std::string_view);

void check_one(std::string_view body, Parser parse, const char* what) {
  auto parsed = parse(body);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().status == 400, std::string(what) + ": a rejected body must be a 400, got " +
                                                 std::to_string(parsed.error().status) + ": " + parsed.error().message);
    FUZZ_CHECK(!parsed.error().message.empty(), what);
    return;
  }
  FUZZ_CHECK(!parsed->model.empty(), what);
  FUZZ_CHECK(parsed->stream_options.include_usage, std::string(what) + ": the closing line needs the counts");
  auto formatted = boost::json::serialize(wire::openai::format_request(*parsed, parsed->model));
  auto again = parsed->kind == core::ChatRequest::Kind::chat ? wire::openai::parse_chat_request(formatted)
                                                             : wire::openai::parse_completion_request(formatted);
  FUZZ_CHECK(again.ok(), std::string(what) + ": the upstream body does not parse: " +
                             (again ? std::string() : again.error().message) + "\nformatted: " + formatted);
}

}  // namespace

void check(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  check_one(body, &wire::ollama::parse_chat_request, "chat");
  check_one(body, &wire::ollama::parse_generate_request, "generate");
}

}  // namespace sy::fuzz
