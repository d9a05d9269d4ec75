#pragma once
// One request as an endpoint handles it: the HTTP request and its writer, the client's dialect
// (how answers and errors are written), and the pipeline's state of the request. Answers go out
// through the helpers here, so every response carries the same headers.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/response_writer.h"
#include "pipeline/request_state.h"

namespace sy::api {

// How one streamed answer is written in the client's API: the bytes for each chunk (maybe none),
// for the clean end, and for an error after the response head went out, and the stream's media
// type (SSE unless the API frames its stream otherwise, as Ollama's NDJSON). One per stream: it
// may keep state (Anthropic's content blocks).
class StreamFormat {
 public:
  virtual ~StreamFormat() = default;
  virtual std::string chunk(const core::ChatChunk& c) = 0;
  virtual std::string done() = 0;
  virtual std::string error(const core::Error& e) = 0;
  virtual std::string_view content_type() const { return "text/event-stream"; }
};

// The client's API (OpenAI's, Anthropic's): how answers and errors are written. The pipeline is
// shared by every ingress and never formats a body itself.
class ClientDialect {
 public:
  virtual ~ClientDialect() = default;
  virtual std::string format_response(const core::ChatResponse& r, const core::ChatRequest& request) const = 0;
  virtual std::string format_error(const core::Error& e) const = 0;
  virtual std::unique_ptr<StreamFormat> stream_format(const core::ChatRequest& request) const = 0;
};

// OpenAI's chat/completions and completions: what every endpoint speaks unless it says otherwise.
const ClientDialect& openai_dialect();

struct Exchange {
  Exchange(http::Request& request, http::ResponseWriter& writer);

  http::Request& request;
  http::ResponseWriter& writer;
  pipeline::RequestState state;
  const ClientDialect* dialect = &openai_dialect();

  // Sets the headers every answer carries.
  void decorate(http::ResponseHeader& h) const;
  http::awaitable<void> send_json(int status, std::string body);
  http::awaitable<void> send_text(int status, std::string body, std::string_view content_type,
                                  std::optional<int> retry_after_s = std::nullopt);
  http::awaitable<void> send_error(const core::Error& e);
};

}  // namespace sy::api
