// Client request bodies (network input): parse_chat_request / parse_completion_request never
// crash; a body they accept formats to an upstream body that parses again, and formatting that
// second parse gives the same JSON (the translation is stable, nothing drifts on a second hop;
// doubles up to Boost.JSON 1.81's rounding, see json_equivalent.h).
#include <string>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "wire/openai/chat_request.h"
#include "fuzz_check.h"
#include "json_equivalent.h"

namespace sy::fuzz {

namespace oa = wire::openai;

namespace {

using Parser = core::Result<core::ChatRequest> (*)(std::string_view);

void round_trip(std::string_view body, Parser parse, const char* what) {
  auto first = parse(body);
  if (!first) {
    FUZZ_CHECK(first.error().status == 400, std::string(what) + ": a rejected body must be a 400, got " +
                                                std::to_string(first.error().status) + ": " + first.error().message);
    FUZZ_CHECK(!first.error().message.empty(), what);
    return;
  }
  FUZZ_CHECK(!first->model.empty(), what);
  auto formatted = boost::json::serialize(oa::format_request(*first, first->model));
  auto second = parse(formatted);
  FUZZ_CHECK(second.ok(), std::string(what) + ": the formatted body does not parse again: " +
                              (second ? std::string() : second.error().message) + "\nformatted: " + formatted);
  auto again = boost::json::serialize(oa::format_request(*second, second->model));
  FUZZ_CHECK(json_text_equivalent(again, formatted),
             std::string(what) + ": formatting is not stable\nfirst:  " + formatted + "\nsecond: " + again);
}

}  // namespace

void check(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  round_trip(body, &oa::parse_chat_request, "chat");
  round_trip(body, &oa::parse_completion_request, "completion");
}

}  // namespace sy::fuzz
