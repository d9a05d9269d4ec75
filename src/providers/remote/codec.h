#pragma once
// What a remote provider differs in: how one call is written for its API and how the answer is
// read back. The call itself (connection, deadlines, cancellation, status mapping, the stream
// pump) is RemoteProvider's, shared by every remote API.
#include <memory>
#include <string_view>
#include <vector>

#include "core/chat.h"
#include "core/result.h"
#include "http/types.h"
#include "providers/provider.h"

namespace sy::providers {

// A streamed answer's body, fed as it arrives, read into core chunks.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // The chunks `bytes` complete; an error ends the stream (a malformed or too large event, or an
  // error the upstream reported mid-stream).
  virtual core::Status feed(std::string_view bytes, std::vector<core::ChatChunk>& out) = 0;
  // The stream's own end marker was seen ([DONE], message_stop): the rest of the body is not read.
  virtual bool complete() const = 0;
  // The body ended (or complete()): the last chunks, or an error when the stream was cut short.
  virtual core::Status finish(std::vector<core::ChatChunk>& out) = 0;
};

// One call, written for the upstream's API. Per call, since some translations carry state from
// the request to its answer (Bedrock's JSON-mode tool, Gemini's tool call ids).
class RemoteCall {
 public:
  virtual ~RemoteCall() = default;
  http::Request request;  // target relative to the endpoint's base path
  virtual core::Result<core::ChatResponse> parse_whole(std::string_view body) = 0;
  virtual std::unique_ptr<StreamDecoder> stream_decoder() = 0;
};

class Codec {
 public:
  virtual ~Codec() = default;
  // Errors are the client's (400s naming the param): what the upstream's API cannot express.
  virtual core::Result<std::unique_ptr<RemoteCall>> start(const core::ChatRequest& request, const CallContext& ctx) const = 0;
  // A non-2xx answer: its body's message (as upstream_message) and the gateway's status policy.
  virtual core::Error error_of(int status, std::string_view body, std::string_view retry_after) const = 0;
  // What a streamed answer's Content-Type must contain.
  virtual std::string_view stream_content_type() const { return "text/event-stream"; }
};

}  // namespace sy::providers
