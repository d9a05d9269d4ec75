#pragma once
// Provider `local`: a GGUF model run in-process by the engine. The model can be loaded and
// unloaded while the server runs; requests already inside an engine keep it alive until they end.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/engine.h"
#include "providers/provider.h"

namespace sy::providers {

struct Embeddings {
  std::vector<std::vector<float>> vectors;
  int64_t prompt_tokens = 0;
};

class LocalProvider final : public Provider {
 public:
  explicit LocalProvider(config::ModelConfig model);

  // Blocking (seconds for a large model): call it off the I/O threads once the server runs.
  core::Status load();
  // New requests are refused at once; those queued or running finish, then the memory is freed.
  core::Status unload();

  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest& request, CallContext& ctx) override;
  http::awaitable<core::Status> stream(const core::ChatRequest& request, CallContext& ctx, ChunkSink& sink) override;
  http::awaitable<core::Result<Embeddings>> embed(const std::vector<std::string>& inputs);
  Health health() const override;

  std::shared_ptr<engine::Engine> engine() const;

 private:
  struct Outcome;
  http::awaitable<core::Result<Outcome>> generate(const core::ChatRequest& request, CallContext& ctx, ChunkSink* sink);

  config::ModelConfig model_;
  mutable std::mutex mu_;
  std::shared_ptr<engine::Engine> engine_;
  bool loading_ = false;
  std::string down_reason_ = "not loaded";
  bool unconfigured_ = false;  // the last load found no usable model file at the path
};

}  // namespace sy::providers
