#include "engine_fixture.h"

#include <gtest/gtest.h>

#include "support/tiny_model.h"

namespace sy::engine::testing {

const std::string& tiny_model_path() { return sy::testing::tiny_model_path(); }

EventSink Collector::sink() {
  return [this](GenerationEvent ev) {
    std::lock_guard lock(mu_);
    if (!ev.text.empty()) {
      got_.pieces.push_back(ev.text);
      got_.text += ev.text;
    }
    if (ev.done) {
      got_.last = std::move(ev);
      done_ = true;
      cv_.notify_all();
    }
  };
}

Collected Collector::wait() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, std::chrono::seconds(60), [&] { return done_; })) ADD_FAILURE() << "generation did not finish in 60 s";
  return got_;
}

bool Collector::done() const {
  std::lock_guard lock(mu_);
  return done_;
}

std::shared_ptr<Engine> load_tiny(int slots, int queue) {
  EngineOptions o;
  o.name = "tiny";
  o.path = tiny_model_path();
  o.slots = slots;
  o.context = 256;
  o.threads = 2;
  o.queue = queue;
  auto e = Engine::load(o);
  if (!e) {
    ADD_FAILURE() << e.error().message;
    return nullptr;
  }
  return *e;
}

Collected generate(Engine& engine, GenerationRequest request) {
  Collector c;
  auto id = engine.submit(std::move(request), c.sink());
  if (!id) {
    ADD_FAILURE() << id.error().message;
    return {};
  }
  return c.wait();
}

GenerationRequest greedy(Engine& engine, const std::string& prompt, int64_t max_tokens) {
  GenerationRequest r;
  r.prompt = *engine.tokenize(prompt, true);
  r.sampling.temperature = 0;
  r.max_tokens = max_tokens;
  return r;
}

}  // namespace sy::engine::testing
