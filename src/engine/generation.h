#pragma once
// What the engine thread is asked to do and what it answers, token by token.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/result.h"
#include "engine/sampling.h"

namespace sy::engine {

using Token = int32_t;  // llama_token

struct GenerationRequest {
  std::vector<Token> prompt;
  SamplingParams sampling;
  std::vector<std::string> stop;
  int64_t max_tokens = -1;  // -1 = until the slot's context is full
};

struct GenerationEvent {
  std::string text;               // new text, possibly empty
  bool done = false;
  std::string finish_reason;      // with done: stop | length | cancelled | error
  std::optional<core::Error> error;
  int64_t prompt_tokens = 0;      // with done
  int64_t completion_tokens = 0;  // with done
  int64_t cached_tokens = 0;      // with done: prompt tokens whose KV was reused
};

// Called on the engine thread; must be quick (hand the event to the requester's thread).
using EventSink = std::function<void(GenerationEvent)>;

struct EmbeddingJob {
  std::vector<std::vector<Token>> inputs;
  // Called once on the engine thread: one vector per input, or an error.
  std::function<void(core::Result<std::vector<std::vector<float>>>)> done;
};

}  // namespace sy::engine
