#include "engine/embedder.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include <llama.h>

namespace sy::engine {

namespace {
constexpr int kSeqsPerBatch = 8;
}

Embedder::Embedder(llama_model* model, int n_ctx, int threads) : model_(model), n_ctx_(n_ctx), threads_(threads) {}

Embedder::~Embedder() {
  if (ctx_) llama_free(ctx_);
}

core::Status Embedder::ensure_context() {
  if (ctx_) return core::Ok{};
  auto p = llama_context_default_params();
  p.embeddings = true;
  char pooling[32];
  std::string key = "general.architecture";
  char arch[64] = {0};
  llama_model_meta_val_str(model_, key.c_str(), arch, sizeof arch);
  bool has_pooling = llama_model_meta_val_str(model_, (std::string(arch) + ".pooling_type").c_str(), pooling, sizeof pooling) > 0;
  p.pooling_type = has_pooling ? LLAMA_POOLING_TYPE_UNSPECIFIED : LLAMA_POOLING_TYPE_MEAN;
  p.n_seq_max = kSeqsPerBatch;
  p.kv_unified = true;  // inputs of one batch share the cells; cleared after each batch
  p.n_ctx = static_cast<uint32_t>(n_ctx_);
  p.n_batch = p.n_ubatch = static_cast<uint32_t>(n_ctx_);  // pooling needs a whole input in one ubatch
  int t = threads_ > 0 ? threads_ : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  p.n_threads = p.n_threads_batch = t;
  p.no_perf = true;
  ctx_ = llama_init_from_model(model_, p);
  if (!ctx_) return core::Error::unavailable("this model cannot make embeddings (the embedding context failed to start)");
  return core::Ok{};
}

core::Result<std::vector<std::vector<float>>> Embedder::embed(const std::vector<std::vector<Token>>& inputs) {
  if (auto s = ensure_context(); !s) return s.error();
  const int n_embd = llama_model_n_embd(model_);
  std::vector<std::vector<float>> out(inputs.size());
  llama_batch batch = llama_batch_init(n_ctx_, 0, 1);
  auto* mem = llama_get_memory(ctx_);
  size_t next = 0;
  core::Status status = core::Ok{};
  while (next < inputs.size() && status) {
    // Pack as many inputs as fit one batch, one sequence each.
    batch.n_tokens = 0;
    size_t first = next;
    while (next < inputs.size() && next - first < kSeqsPerBatch &&
           batch.n_tokens + static_cast<int32_t>(inputs[next].size()) <= n_ctx_) {
      const auto& in = inputs[next];
      for (size_t i = 0; i < in.size(); ++i) {
        int32_t k = batch.n_tokens++;
        batch.token[k] = in[i];
        batch.pos[k] = static_cast<llama_pos>(i);
        batch.n_seq_id[k] = 1;
        batch.seq_id[k][0] = static_cast<llama_seq_id>(next - first);
        batch.logits[k] = true;
      }
      ++next;
    }
    llama_memory_clear(mem, true);
    if (llama_decode(ctx_, batch) != 0) {
      status = core::Error::internal("the local model failed to compute embeddings");
      break;
    }
    for (size_t i = first; i < next; ++i) {
      const float* v = llama_get_embeddings_seq(ctx_, static_cast<llama_seq_id>(i - first));
      if (!v) {
        status = core::Error::internal("the local model returned no pooled embedding");
        break;
      }
      double norm = 0;
      for (int d = 0; d < n_embd; ++d) norm += double{v[d]} * v[d];
      float scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 1.0f;
      out[i].resize(static_cast<size_t>(n_embd));
      for (int d = 0; d < n_embd; ++d) out[i][static_cast<size_t>(d)] = v[d] * scale;
    }
  }
  llama_batch_free(batch);
  if (!status) return status.error();
  return out;
}

}  // namespace sy::engine
