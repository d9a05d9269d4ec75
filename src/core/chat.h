#pragma once
// The provider-neutral shape of a chat exchange. Each wire format (OpenAI, Anthropic, ...) is
// translated into these at the edge and out of them at the other edge.
//
// `Extensions` holds request or response fields switchyard does not interpret yet (tools,
// response_format, logprobs, seed, user, ...). They are kept as parsed JSON values, not as bytes of
// any one provider's body, and forwarded verbatim to targets that speak the same dialect as the
// client, so an OpenAI client reaching an OpenAI-compatible upstream loses nothing. A translator to
// another dialect reads the ones it understands and drops the rest.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sy::core {

using Extensions = boost::json::object;

struct ContentPart {
  enum class Kind { text, image_url };
  Kind kind = Kind::text;
  std::string text;        // kind == text
  std::string url;         // kind == image_url (https: or data:)
  std::string detail;      // kind == image_url, optional
};

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;   // JSON text, as the model wrote it
};

struct Message {
  std::string role;                 // system | developer | user | assistant | tool
  std::vector<ContentPart> parts;   // empty and !content_is_parts = null content
  bool content_is_parts = false;    // the client sent an array, not a string
  bool content_is_null = false;
  std::string name;
  std::string tool_call_id;
  std::vector<ToolCall> tool_calls;
  Extensions extensions;

  // All text of the message, parts joined by '\n'. What scanners and templates see.
  std::string text() const;
};

struct StreamOptions {
  bool include_usage = false;
};

struct ChatRequest {
  enum class Kind { chat, completion };  // completion = legacy /v1/completions with `prompt`
  Kind kind = Kind::chat;
  std::string model;
  std::vector<Message> messages;
  std::string prompt;                    // kind == completion
  bool stream = false;
  StreamOptions stream_options;
  bool stream_options_given = false;
  std::optional<int64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::vector<std::string> stop;
  Extensions extensions;
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t cached_tokens = 0;
  Extensions extensions;   // breakdowns not metered here (completion_tokens_details, ...)
  // Saturating: the counts come from upstreams, and int64 overflow is undefined behaviour.
  int64_t total() const {
    int64_t sum = 0;
    if (__builtin_add_overflow(prompt_tokens, completion_tokens, &sum)) return prompt_tokens < 0 ? INT64_MIN : INT64_MAX;
    return sum;
  }
};

struct Choice {
  int index = 0;
  Message message;                   // kind == completion: message.parts[0].text is the text
  std::string finish_reason;         // empty = null
  Extensions extensions;             // logprobs, ...
};

struct ChatResponse {
  std::string id;
  std::string model;
  int64_t created = 0;
  std::vector<Choice> choices;
  std::optional<Usage> usage;
  Extensions extensions;             // system_fingerprint, service_tier, ...
};

struct ToolCallDelta {
  int index = 0;
  std::string id;          // empty = absent
  std::string name;        // empty = absent
  std::string arguments;   // fragment
  bool has_arguments = false;
};

struct ChunkChoice {
  int index = 0;
  std::string role;        // empty = absent
  std::string content;     // text fragment
  bool has_content = false;
  std::vector<ToolCallDelta> tool_calls;
  std::string finish_reason;   // empty = null
  Extensions delta_extensions; // refusal, ...
  Extensions extensions;       // logprobs, ...
};

// One piece of a streamed answer. A chunk with no choices and a usage is the closing usage chunk.
struct ChatChunk {
  std::string id;
  std::string model;
  int64_t created = 0;
  std::vector<ChunkChoice> choices;
  std::optional<Usage> usage;
  Extensions extensions;
};

}  // namespace sy::core
