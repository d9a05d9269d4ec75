#pragma once
// Anthropic Messages API request bodies (POST /v1/messages, /v1/messages/count_tokens) ->
// core::ChatRequest, so an Anthropic SDK user can reach any target.
//
// How Anthropic's shapes land in core (OpenAI-shaped) terms:
// - `system` (a string or text blocks) -> one system message first.
// - user text and image blocks -> a user message with parts (base64 sources become data: URLs);
//   tool_result blocks -> role `tool` messages (tool_call_id = tool_use_id), placed before the
//   rest of that user turn, as OpenAI wants them right after the assistant's tool calls.
// - assistant text blocks -> the message's text; tool_use blocks -> tool_calls (arguments = the
//   JSON text of `input`); thinking blocks are dropped.
// - tools -> extensions["tools"] as function tools (input_schema -> parameters); tool_choice
//   auto|any|tool|none -> "auto"|"required"|{function}|"none"; disable_parallel_tool_use ->
//   parallel_tool_calls: false; stop_sequences -> stop; metadata.user_id -> user.
// - top_k, thinking, service_tier and fields added later are accepted and not forwarded.
// Errors are 400s (invalid_request_error) naming the field Anthropic-style ("messages.0.content").
#include <string_view>

#include "core/chat.h"
#include "core/result.h"

namespace sy::wire::anthropic {

enum class RequestPurpose {
  messages,      // POST /v1/messages: max_tokens is required
  count_tokens,  // POST /v1/messages/count_tokens: no max_tokens, never a stream
};

core::Result<core::ChatRequest> parse_messages_request(std::string_view body,
                                                       RequestPurpose purpose = RequestPurpose::messages);

}  // namespace sy::wire::anthropic
