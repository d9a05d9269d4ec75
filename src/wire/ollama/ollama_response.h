#pragma once
// core answers -> Ollama's API: the whole answer of /api/chat (`message`) and /api/generate
// (`response`), the NDJSON lines of a streamed one (one object a line, `done: false`, then a last
// line with `done: true`, the done reason, token counts and durations), and `{"error": "..."}`.
//
// Ollama writes a tool call whole, its arguments a JSON object; a stream's argument fragments are
// therefore gathered and each call written once it is complete (at the finish, or the end).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "core/chat.h"
#include "core/error.h"

namespace sy::wire::ollama {

enum class AnswerShape {
  chat,      // {"message": {"role": "assistant", "content", "tool_calls"?}}
  generate,  // {"response": "..."}
};

// The durations Ollama reports, in nanoseconds. Models are loaded by the config, so there is no
// load time to report.
struct Timings {
  int64_t total_ns = 0;
  int64_t prompt_eval_ns = 0;  // until the first token
  int64_t eval_ns = 0;         // from the first token to the end
};

// stop | length | tool_calls | content_filter -> "stop" | "length" | "stop" | "stop": Ollama ends
// a tool-calling turn with "stop" too.
std::string done_reason_of(const std::string& finish_reason);

// A time as Ollama writes it (`created_at`, `modified_at`): RFC 3339 in UTC with microseconds.
std::string rfc3339(std::chrono::system_clock::time_point t);
std::string created_at_now();

// The whole answer. `model` is the name the client asked for (Ollama echoes it).
std::string format_response(const core::ChatResponse& r, AnswerShape shape, const std::string& model, const Timings& t);

// /api/embed's answer: {model, embeddings, total_duration, load_duration, prompt_eval_count}.
std::string format_embed(const std::string& model, const std::vector<std::vector<float>>& vectors, int64_t prompt_tokens,
                         int64_t total_ns);

// {"error": "message"}; the status travels as the HTTP status.
std::string format_error(const core::Error& e);

// The NDJSON lines of one streamed answer, built from core chunks as they arrive.
class StreamEncoder {
 public:
  StreamEncoder(AnswerShape shape, std::string model) : shape_(shape), model_(std::move(model)) {}
  std::string chunk(const core::ChatChunk& c);
  std::string done(const Timings& t);
  // After the head went out: a last line with the error, as Ollama ends a failed stream.
  std::string error(const core::Error& e);

 private:
  std::string line(const std::string& text, boost::json::array tool_calls = {}) const;
  std::string flush_tool_calls();

  AnswerShape shape_;
  std::string model_;
  std::map<int, core::ToolCall> pending_calls_;  // by the stream's tool call index
  int calls_written_ = 0;
  std::string finish_reason_;
  core::Usage usage_;
};

}  // namespace sy::wire::ollama
