#pragma once
// Embeddings for /v1/embeddings: a second llama_context on the same weights, made on first use
// (a generation-only deployment never pays for it), pooled the way the GGUF says or, for a
// decoder with no pooling of its own, by the mean over tokens; L2-normalised like OpenAI's.
// Runs on the engine thread, between generation steps.
#include <vector>

#include "core/result.h"
#include "engine/generation.h"

struct llama_model;
struct llama_context;

namespace sy::engine {

class Embedder {
 public:
  Embedder(llama_model* model, int n_ctx, int threads);
  ~Embedder();
  Embedder(const Embedder&) = delete;
  Embedder& operator=(const Embedder&) = delete;

  core::Result<std::vector<std::vector<float>>> embed(const std::vector<std::vector<Token>>& inputs);

 private:
  core::Status ensure_context();

  llama_model* model_;
  int n_ctx_;
  int threads_;
  llama_context* ctx_ = nullptr;
};

}  // namespace sy::engine
