#include "engine_fixture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/model_init.h"

namespace sy::engine::testing {

const std::string& tiny_model_path() {
  static const std::string path = [] {
    auto dir = std::filesystem::temp_directory_path() / ("switchyard-engine-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    // Removed when the test binary exits.
    static struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() { std::filesystem::remove_all(dir); }
    } cleanup{dir};
    auto opts = default_model_init_options();
    opts.out = (dir / "tiny.gguf").string();
    opts.hparams.n_embd = 64;
    opts.hparams.n_layer = 2;
    opts.hparams.n_head = 4;
    opts.hparams.n_head_kv = 4;
    opts.hparams.n_ff = 128;
    opts.hparams.n_ctx = 512;
    opts.seed = 7;
    // Random weights give near-uniform logits; a wider init makes greedy choices clear-cut, so
    // tests compare real decisions, not ties broken by rounding.
    opts.init_std = 0.5f;
    auto written = init_model(opts);
    if (!written) ADD_FAILURE() << written.error().message;
    return opts.out;
  }();
  return path;
}

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
