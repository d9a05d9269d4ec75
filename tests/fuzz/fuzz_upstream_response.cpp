// Upstream answers (network input): parse_response and parse_chunk, for chat and legacy
// completions, never crash on any bytes; an answer they accept formats to JSON that parses again,
// and formatting that second parse gives the same JSON (doubles up to Boost.JSON 1.81's rounding).
#include <string>
#include <string_view>

#include "wire/openai/chat_response.h"
#include "fuzz_check.h"
#include "json_equivalent.h"

namespace sy::fuzz {

namespace oa = wire::openai;
using Kind = core::ChatRequest::Kind;

namespace {

const char* name(Kind k) { return k == Kind::chat ? "chat" : "completion"; }

void response_round_trip(std::string_view body, Kind kind) {
  auto first = oa::parse_response(body, kind);
  if (!first) {
    FUZZ_CHECK(first.error().status == 502, std::string(name(kind)) + " response: a rejected answer must be a 502");
    return;
  }
  auto formatted = oa::format_response(*first, kind);
  auto second = oa::parse_response(formatted, kind);
  FUZZ_CHECK(second.ok(), std::string(name(kind)) + " response: formatted answer does not parse again: " +
                              (second ? std::string() : second.error().message) + "\nformatted: " + formatted);
  auto again = oa::format_response(*second, kind);
  FUZZ_CHECK(json_text_equivalent(again, formatted),
             std::string(name(kind)) + " response: formatting is not stable\nfirst:  " + formatted + "\nsecond: " + again);
}

void chunk_round_trip(std::string_view data, Kind kind) {
  auto first = oa::parse_chunk(data, kind);
  if (!first) {
    FUZZ_CHECK(first.error().status == 502, std::string(name(kind)) + " chunk: a rejected chunk must be a 502");
    return;
  }
  auto formatted = oa::format_chunk(*first, kind);
  auto second = oa::parse_chunk(formatted, kind);
  FUZZ_CHECK(second.ok(), std::string(name(kind)) + " chunk: formatted chunk does not parse again: " +
                              (second ? std::string() : second.error().message) + "\nformatted: " + formatted);
  auto again = oa::format_chunk(*second, kind);
  FUZZ_CHECK(json_text_equivalent(again, formatted),
             std::string(name(kind)) + " chunk: formatting is not stable\nfirst:  " + formatted + "\nsecond: " + again);
}

}  // namespace

void check(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  for (Kind kind : {Kind::chat, Kind::completion}) {
    response_round_trip(body, kind);
    chunk_round_trip(body, kind);
  }
}

}  // namespace sy::fuzz
