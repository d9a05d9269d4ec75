#pragma once
// OpenAI Responses API request bodies (POST /v1/responses) -> core::ChatRequest, so the clients
// that speak only Responses (the Vercel AI SDK's default, the Agents SDK, LangChain with
// useResponsesApi) reach every target through the same pipeline as chat/completions.
//
// How Responses shapes land in core (chat-shaped) terms:
// - `instructions` -> one system message first (never carried over from a previous response).
// - `input` as a string -> one user message; as items:
//   message items (role user | assistant | system | developer; content a string or input_text,
//   output_text, input_image, refusal parts) -> messages; function_call -> a tool call on the
//   assistant message before it (or a new one); function_call_output -> a `tool` message;
//   item_reference -> the stored item it names; reasoning items are dropped.
// - `previous_response_id` -> the stored conversation of that response, before the new input.
// - function tools -> chat tools; tool_choice -> chat tool_choice; text.format json_schema |
//   json_object -> response_format; max_output_tokens -> max_tokens; parallel_tool_calls and
//   user are kept for upstreams. Hosted tools (web_search, file_search, ...), `background`,
//   `conversation` and `prompt` templates are refused with a 400 that says so.
// - reasoning, include, truncation, service_tier, prompt_cache_key, safety_identifier and
//   fields added later are accepted and not forwarded: a chat upstream would refuse them.
// Errors are 400s (invalid_request_error) naming the field the way OpenAI does ("input[2].call_id").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/result.h"

namespace sy::wire::openai {

// What earlier responses left behind, for previous_response_id and item_reference. Both are
// looked up in the caller's own scope; a miss is a 404 naming the id.
class ResponseHistory {
 public:
  virtual ~ResponseHistory() = default;
  // The conversation of a stored response: its input (without instructions) and its output.
  virtual std::optional<std::vector<core::Message>> conversation(std::string_view response_id) const = 0;
  // One output item of a stored response: an assistant message, or a function call (an
  // assistant message with one tool call).
  virtual std::optional<core::Message> item(std::string_view item_id) const = 0;
};

struct ResponsesRequest {
  core::ChatRequest chat;              // what the pipeline runs
  std::vector<core::Message> input;    // the conversation to store: history and input, no instructions
  std::string instructions;
  std::string previous_response_id;
  bool store = true;
  // Fields the response object repeats back as the client sent them (tools, tool_choice, text,
  // metadata, temperature, top_p, max_output_tokens, parallel_tool_calls, truncation, user, ...).
  boost::json::object echo;
};

// `history` may be null: then previous_response_id and item_reference are refused.
core::Result<ResponsesRequest> parse_responses_request(std::string_view body, const ResponseHistory* history);

}  // namespace sy::wire::openai
