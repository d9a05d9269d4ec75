#pragma once
// What every target (local engine, OpenAI-compatible host, Anthropic, ...) offers the pipeline.
#include <functional>
#include <memory>
#include <string>

#include "core/chat.h"
#include "core/result.h"
#include "http/types.h"

namespace sy::providers {

// Where streamed chunks go. Returns false when the client is gone: stop producing.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  virtual http::awaitable<bool> on_chunk(core::ChatChunk chunk) = 0;
};

struct CallContext {
  std::string request_id;
  // The provider registers how to abort its work if the client disconnects.
  std::function<void(std::function<void()>)> set_canceller;
};

struct Health {
  bool healthy = true;
  std::string reason;  // why not, for /readyz and the log
  // Not healthy because it cannot work as configured (a cloud target without credentials, a local
  // model whose file is missing), not because it failed: waiting or retrying will not help.
  bool unconfigured = false;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest& request,
                                                                    CallContext& ctx) = 0;
  // Errors returned before the first chunk reach the client as an ordinary error response;
  // after it, as an error event in the stream.
  virtual http::awaitable<core::Status> stream(const core::ChatRequest& request, CallContext& ctx,
                                               ChunkSink& sink) = 0;
  virtual Health health() const = 0;
};

}  // namespace sy::providers
