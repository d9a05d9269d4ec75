#pragma once
// core answers -> OpenAI's Responses API: the `response` object, and the SSE event sequence of a
// streamed one (response.created, response.in_progress, response.output_item.added,
// response.content_part.added, response.output_text.delta, response.function_call_arguments.delta,
// the matching .done events, then response.completed | response.incomplete, or response.failed).
//
// An answer becomes output items: its text one `message` item, each tool call one
// `function_call` item. Item ids derive from the response id, so they are unique and an
// item_reference can find them again.
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/error.h"

namespace sy::wire::openai {

// What every form of the response object repeats from its request.
struct ResponseHead {
  std::string id;                    // resp_...
  int64_t created_at = 0;            // unix seconds
  std::string model;                 // as asked, until an answer names its own
  std::string instructions;
  std::string previous_response_id;
  bool store = true;
  boost::json::object echo;          // ResponsesRequest::echo
};

struct OutputItem {
  enum class Kind { message, function_call };
  Kind kind = Kind::message;
  std::string id;                    // msg_... | fc_...
  std::string text;                  // message
  std::string call_id, name, arguments;  // function_call
};

struct ResponseOutput {
  std::vector<OutputItem> items;
  std::string finish_reason;         // the chat finish reason; empty = stop
  std::optional<core::Usage> usage;

  // The assistant turn these items are, for a conversation that goes on from here.
  core::Message as_message() const;
};

// The output items of a whole answer (its first choice).
ResponseOutput output_of(const core::ChatResponse& r, const std::string& response_id);

// The response object. `status` is derived from the finish reason unless `error` is given
// (then "failed").
boost::json::object response_object(const ResponseHead& head, const ResponseOutput& output,
                                    const core::Error* error = nullptr);
std::string format_response(const ResponseHead& head, const ResponseOutput& output);

// The events of one streamed answer, built from core chunks as they arrive.
class ResponsesStreamEncoder {
 public:
  explicit ResponsesStreamEncoder(ResponseHead head) : head_(std::move(head)) {}
  std::string chunk(const core::ChatChunk& c);
  std::string done();
  std::string error(const core::Error& e);
  // What was streamed so far, as output items.
  const ResponseOutput& output() const { return output_; }
  const ResponseHead& head() const { return head_; }

 private:
  void start(std::string& out);
  void emit(std::string& out, const char* type, boost::json::object event);
  void open_text(std::string& out);
  void close_text(std::string& out);
  void close_item(size_t index, std::string& out);

  ResponseHead head_;
  ResponseOutput output_;
  bool started_ = false;
  int64_t sequence_ = 0;
  std::optional<size_t> open_text_;            // the message item text goes to
  std::vector<std::pair<int, size_t>> calls_;  // chat tool call index -> output item
  std::vector<bool> closed_;                   // per output item
};

}  // namespace sy::wire::openai
