#pragma once
// Ollama's API request bodies (POST /api/chat, /api/generate) -> core::ChatRequest, so tools that
// speak only Ollama reach every target switchyard serves.
//
// How Ollama's shapes land in core (OpenAI-shaped) terms:
// - `stream` defaults to true (Ollama's default); usage is always asked for, since the closing
//   line carries the token counts.
// - chat messages: role system | user | assistant | tool; `images` (base64, no media type) become
//   data: URL image parts, the type read from the bytes' signature; an assistant's `tool_calls`
//   ({function: {name, arguments: object}}) get ids where they have none ("call_M_K"), and a
//   `tool` message is matched to the earliest unanswered call of its `tool_name` (or its
//   `tool_call_id`), as OpenAI-compatible upstreams want a tool result to name its call.
// - tools ({type: function, function: {name, description, parameters}}) -> extensions["tools"].
// - format: "json" -> response_format json_object; a JSON schema -> json_schema ("response").
// - options: temperature, top_p, num_predict (-> max_tokens; <= 0 means no limit), stop, seed,
//   presence_penalty, frequency_penalty; top_k, min_p and repeat_penalty (-> repetition_penalty)
//   go on as extensions (local models and hosts that take them read them; api.openai.com refuses
//   them); the runner's knobs (num_ctx, num_thread, mirostat, ...) are accepted and ignored.
// - keep_alive and think are accepted and ignored (targets are loaded by the config; thinking is
//   not returned apart from the answer).
// - generate: `system` + `prompt` (+ `images`) -> a system and a user message; `raw: true` -> a
//   legacy completion of the prompt as it is. suffix, template, context and logprobs are refused
//   with a 400 naming them: nothing here could honour them.
// - a model name's ":latest" tag is dropped (Ollama clients add it to names without a tag).
// - no messages (or an empty prompt): Ollama's "load the model" call; refused with a 400 here,
//   since targets are loaded by the config.
// Errors are 400s (invalid_request_error) naming the field ("messages[1].images[0]").
#include <string_view>

#include "core/chat.h"
#include "core/result.h"

namespace sy::wire::ollama {

core::Result<core::ChatRequest> parse_chat_request(std::string_view body);
core::Result<core::ChatRequest> parse_generate_request(std::string_view body);

// "name:latest" -> "name"; other names as they are.
std::string model_name(std::string_view name);

}  // namespace sy::wire::ollama
