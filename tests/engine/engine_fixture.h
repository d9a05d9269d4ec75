#pragma once
// A tiny llama-architecture model with random weights, written once per test binary, and a
// synchronous way to run generations on an Engine.
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace sy::engine::testing {

// Path of a small random model (2 layers, embd 64, ctx 512); made on first use.
const std::string& tiny_model_path();

struct Collected {
  std::vector<std::string> pieces;  // text of each event, in order
  std::string text;
  GenerationEvent last;             // the `done` event
};

// Collects a generation's events; wait() blocks until it is done.
class Collector {
 public:
  EventSink sink();
  Collected wait();
  bool done() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Collected got_;
  bool done_ = false;
};

std::shared_ptr<Engine> load_tiny(int slots, int queue = 0);
Collected generate(Engine& engine, GenerationRequest request);
GenerationRequest greedy(Engine& engine, const std::string& prompt, int64_t max_tokens);

}  // namespace sy::engine::testing
