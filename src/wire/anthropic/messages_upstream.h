#pragma once
// Anthropic's Messages API as an upstream: core::ChatRequest -> the body of POST /v1/messages,
// and its answers (JSON, SSE events, error bodies) -> core types. The reverse direction (an
// Anthropic client calling switchyard) is messages_request and messages_response.
//
// What does not translate, and what happens to it:
// - OpenAI extensions other than tools, tool_choice, parallel_tool_calls, response_format and
//   user are dropped (Anthropic would refuse unknown fields).
// - response_format json_object / json_schema become a system instruction (Anthropic has no
//   JSON mode); the schema, when given, is quoted in it.
// - temperature is clamped to Anthropic's 0..1.
// - thinking blocks in answers are skipped; only text and tool_use reach the client.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/result.h"

namespace sy::wire::anthropic {

// Anthropic requires max_tokens; this is sent when the client gave none.
inline constexpr int64_t kDefaultMaxTokens = 4096;

boost::json::object format_request(const core::ChatRequest& request, const std::string& upstream_model);

// A whole `message` answer. Malformed bodies are 502s.
core::Result<core::ChatResponse> parse_response(std::string_view body);

// end_turn | stop_sequence | max_tokens | tool_use | refusal | pause_turn -> OpenAI's reasons.
std::string finish_reason_of(std::string_view stop_reason);

// Anthropic usage -> core: prompt_tokens counts every input token (fresh, cache reads and cache
// writes), as OpenAI's does; cached_tokens the cache reads.
core::Usage usage_of(const boost::json::object& usage);

// An error body `{"type":"error","error":{"type","message"}}` -> (type, message), the message
// clipped; both empty when the body is not that shape.
std::pair<std::string, std::string> error_fields(std::string_view body);

// The `error` object of an error body or an `error` event -> a core::Error. Used for errors that
// arrive mid-stream, where there is no HTTP status: the error type says it.
core::Error stream_error_of(std::string_view data);

// Anthropic's stream events -> core chunks, as they arrive: message_start gives the role chunk,
// text_delta and input_json_delta give content and tool-call fragments, message_delta the finish
// chunk, message_stop the closing usage chunk. An `error` event is an error.
class StreamDecoder {
 public:
  explicit StreamDecoder(std::string fallback_model) : model_(std::move(fallback_model)) {}
  // `event` is the SSE event name (Anthropic names each one; the data's "type" says it too).
  core::Result<std::vector<core::ChatChunk>> on_event(std::string_view event, std::string_view data);
  bool finished() const { return finished_; }

 private:
  core::ChatChunk make_chunk() const;
  std::string id_;
  std::string model_;
  int64_t created_ = 0;
  boost::json::object usage_raw_;   // the usage fields as they came, later ones over earlier
  bool has_usage_ = false;
  std::map<int64_t, int> tool_index_;   // content block index -> OpenAI tool call index
  int next_tool_ = 0;
  bool finished_ = false;
};

}  // namespace sy::wire::anthropic
