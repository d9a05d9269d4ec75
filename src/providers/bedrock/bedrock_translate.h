#pragma once
// AWS Bedrock's Converse / ConverseStream bodies <-> core types.
//
// Request: system and developer messages -> system [{text}]; user/assistant/tool turns ->
// messages [{role, content: [{text} | {image} | {toolUse} | {toolResult}]}] with consecutive turns
// of one role merged (Converse wants them alternating); temperature/top_p/max_tokens/stop ->
// inferenceConfig; tools and tool_choice -> toolConfig (tools that only the history names get a
// spec too: Converse refuses toolUse blocks without one). JSON modes become a tool the model is
// made to call, whose input is handed back as the message content.
// Response: output.message.content -> the message, stopReason -> finish_reason, usage -> usage
// (prompt tokens include the cache's, as OpenAI counts them).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/result.h"
#include "providers/bedrock/event_stream.h"

namespace sy::providers::bedrock {

struct ResponseMeta {
  std::string id;       // chatcmpl-...
  std::string model;
  int64_t created = 0;
};

struct ConverseRequest {
  boost::json::object body;
  std::string json_tool;  // the tool standing in for response_format; "" = none
};

// Errors are 400s naming the param (an image that is not a data: URL of a format Bedrock takes,
// unparsable tool arguments).
core::Result<ConverseRequest> format_request(const core::ChatRequest& request);

// Malformed bodies are 502s.
core::Result<core::ChatResponse> parse_response(std::string_view body, core::ChatRequest::Kind kind,
                                                const ResponseMeta& meta, const std::string& json_tool = {});

// The message of an error body {"message": ...} ("" when there is none).
std::string error_message(std::string_view body);
// The HTTP status Bedrock gives an exception type (throttlingException -> 429, ...).
int exception_status(std::string_view exception_type);
std::string finish_reason(std::string_view stop_reason);
core::Usage parse_usage(const boost::json::object& usage);

// One streamed answer: each event-stream message -> OpenAI-style chunks, in order: a role chunk,
// content and tool call deltas, a finish chunk; finish() adds the usage chunk once the body ended.
class StreamTranslator {
 public:
  StreamTranslator(core::ChatRequest::Kind kind, ResponseMeta meta, std::string json_tool = {});
  core::Status on_message(const event_stream::Message& message, std::vector<core::ChatChunk>& out);
  core::Status finish(std::vector<core::ChatChunk>& out);

 private:
  core::ChatChunk chunk() const;
  void ensure_started(std::vector<core::ChatChunk>& out);
  void content(std::string text, std::vector<core::ChatChunk>& out);

  core::ChatRequest::Kind kind_;
  ResponseMeta meta_;
  std::string json_tool_;
  bool started_ = false;
  bool stopped_ = false;
  int tool_calls_ = 0;
  std::map<int64_t, int> block_tool_;   // contentBlockIndex -> tool call index
  std::set<int64_t> json_blocks_;       // blocks of the JSON-mode tool: their input is content
  std::optional<core::Usage> usage_;
};

}  // namespace sy::providers::bedrock
