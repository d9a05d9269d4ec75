#pragma once
// Google Gemini's generateContent / streamGenerateContent bodies <-> core types.
//
// Request: system and developer messages -> systemInstruction; user/assistant/tool turns ->
// contents with roles user/model and parts (text, inlineData from data: URLs, functionCall,
// functionResponse; consecutive turns of one role merged); tools -> tools.functionDeclarations;
// tool_choice -> toolConfig.functionCallingConfig; temperature/top_p/max_tokens/stop/n/seed/
// penalties and response_format (JSON modes) -> generationConfig. OpenAI JSON schemas are cut down
// to the OpenAPI subset Gemini's Schema takes ($ref inlined, type arrays -> nullable).
// Response: candidates -> choices, functionCall parts -> tool calls, finishReason -> finish_reason,
// usageMetadata -> usage (cached and reasoning tokens included).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/result.h"

namespace sy::providers::gemini {

struct ResponseMeta {
  std::string id;                        // chatcmpl-...
  std::string model;                     // used when the upstream names no modelVersion
  int64_t created = 0;
  std::string call_id_prefix = "call_";  // tool calls Gemini gives no id: prefix + a counter
};

// Errors are 400s naming the param (an image that is not a data: URL, unparsable tool arguments).
core::Result<boost::json::object> format_request(const core::ChatRequest& request);

// Malformed bodies are 502s.
core::Result<core::ChatResponse> parse_response(std::string_view body, core::ChatRequest::Kind kind,
                                                const ResponseMeta& meta);

// The message of an error body {"error":{"code","message","status"}} ("" when there is none).
std::string error_message(std::string_view body);

std::string finish_reason(std::string_view gemini_reason, bool had_tool_calls);
core::Usage parse_usage(const boost::json::object& usage_metadata);

// JSON Schema (as OpenAI clients write it) -> the OpenAPI subset Gemini's Schema accepts.
boost::json::value to_gemini_schema(const boost::json::value& schema);

// One streamed answer: each SSE event's GenerateContentResponse -> OpenAI-style chunks, in order:
// a role chunk first, content and tool call deltas, a finish chunk per candidate; finish() adds
// the usage chunk (no choices) once the body has ended.
class StreamTranslator {
 public:
  StreamTranslator(core::ChatRequest::Kind kind, ResponseMeta meta);
  core::Status on_event(std::string_view data, std::vector<core::ChatChunk>& out);
  // The body ended: the usage chunk, or an error if the stream was cut short.
  core::Status finish(std::vector<core::ChatChunk>& out);

 private:
  core::ChatChunk chunk() const;
  struct Candidate {
    int tool_calls = 0;
    bool finished = false;
  };
  core::ChatRequest::Kind kind_;
  ResponseMeta meta_;
  std::map<int, Candidate> candidates_;
  std::optional<core::Usage> usage_;
  int generated_ids_ = 0;
};

}  // namespace sy::providers::gemini
