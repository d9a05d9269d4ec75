#pragma once
// core answers -> Anthropic's Messages API: the `message` JSON, the SSE event sequence
// (message_start, content_block_start/delta/stop, message_delta, message_stop) and error bodies.
#include <map>
#include <memory>
#include <string>

#include "core/chat.h"
#include "core/error.h"

namespace sy::wire::anthropic {

// stop | length | tool_calls | content_filter -> end_turn | max_tokens | tool_use | refusal.
std::string stop_reason_of(const std::string& finish_reason);

// "msg_..." for an answer's id: an Anthropic id stays, others get the prefix.
std::string message_id(const std::string& id);

// {"input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"}:
// Anthropic counts cache reads apart from input tokens, OpenAI inside prompt_tokens.
boost::json::object format_usage(const core::Usage& u);

// The `message` object for a whole answer. `request` names the model when the answer does not.
std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request);

// {"type":"error","error":{"type","message"}} with Anthropic's error types, chosen by status.
std::string format_error(const core::Error& e);
std::string error_type(const core::Error& e);

// The event sequence of one streamed answer, built from core chunks as they arrive. Text and tool
// calls become content blocks in order; a tool call's argument fragments become input_json_delta.
// The stop reason and usage are held for the closing message_delta (OpenAI-shaped streams report
// usage after the finish).
class StreamEncoder {
 public:
  explicit StreamEncoder(std::string model) : model_(std::move(model)) {}
  std::string chunk(const core::ChatChunk& c);
  std::string done();
  std::string error(const core::Error& e);

 private:
  enum class Block { none, text, tool };
  void start(const core::ChatChunk& c, std::string& out);
  void close_block(std::string& out);
  void open_block(Block kind, boost::json::object content_block, std::string& out);

  std::string model_;
  bool started_ = false;
  Block open_ = Block::none;
  int open_index_ = -1;
  int open_tool_ = -1;              // the OpenAI tool call index of the open tool block
  int next_index_ = 0;
  std::map<int, int> tool_blocks_;  // OpenAI tool call index -> content block index
  std::string stop_reason_;
  core::Usage usage_;
};

}  // namespace sy::wire::anthropic
