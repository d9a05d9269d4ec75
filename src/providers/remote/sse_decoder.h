#pragma once
// A stream decoder for APIs that answer in server-sent events (OpenAI, Anthropic, Gemini): whole
// events out of the bytes, each handed to the API's own reading.
#include "http/sse.h"
#include "providers/remote/codec.h"

namespace sy::providers {

class SseDecoder : public StreamDecoder {
 public:
  core::Status feed(std::string_view bytes, std::vector<core::ChatChunk>& out) final;
  core::Status finish(std::vector<core::ChatChunk>& out) final;

 protected:
  // One whole event: its chunks, or an error that ends the stream.
  virtual core::Status on_event(const http::SseEvent& event, std::vector<core::ChatChunk>& out) = 0;
  // The body ended with no event pending: the last chunks, or an error if the API's stream was not
  // complete.
  virtual core::Status on_end(std::vector<core::ChatChunk>& out) = 0;

 private:
  http::SseReader reader_;
};

}  // namespace sy::providers
