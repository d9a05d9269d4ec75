#pragma once
// Where the answer goes in the end: the client, in its own API's format. Written by the endpoint
// that parsed the request (api/), so the pipeline never formats a body. Chunks arrive through the
// answer path; finish() writes the end (or the error) once the chain has committed or failed.
#include "core/result.h"
#include "providers/provider.h"

namespace sy::pipeline {

class Responder : public providers::ChunkSink {
 public:
  // The outcome of the request: ok writes the answer's end (a whole answer's body, a stream's
  // last event); an error writes an error response, or an error event when a stream had begun.
  virtual http::awaitable<void> finish(const core::Status& outcome) = 0;
  // Whether any byte of the answer reached the client (then an error can only be an event).
  virtual bool started() const = 0;
};

}  // namespace sy::pipeline
