#pragma once
// The llama-architecture GGUF layout switchyard writes and reads back: the `llama.*` hyperparameter
// keys, the tensor names llama.cpp's LLM_ARCH_LLAMA loader expects, and one writer for every GGUF
// we produce (`model init` and `train` both go through write_gguf, so a trained model carries the
// same metadata, chat template included, as the model it started from).
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

struct gguf_context;
struct ggml_tensor;

namespace sy::engine {

struct LlamaHparams {
  std::string name = "switchyard-tiny";
  uint32_t n_vocab = 0;
  uint32_t n_ctx = 256;
  uint32_t n_embd = 128;
  uint32_t n_layer = 2;
  uint32_t n_head = 4;
  uint32_t n_head_kv = 4;
  uint32_t n_ff = 352;
  float rope_freq_base = 10000.0f;
  float rms_eps = 1e-5f;

  uint32_t head_dim() const { return n_embd / n_head; }
  uint32_t n_embd_kv() const { return head_dim() * n_head_kv; }
};

// Names of the tensors, as llama.cpp's tensor map spells them for LLM_ARCH_LLAMA.
inline constexpr const char* kTokenEmbd = "token_embd.weight";
inline constexpr const char* kOutputNorm = "output_norm.weight";
inline constexpr const char* kOutput = "output.weight";
std::string block_tensor_name(uint32_t layer, const char* what);  // ("attn_q") -> "blk.0.attn_q.weight"

// One weight of the architecture: its name, its ggml shape (ne0 = input width, ne1 = rows) and how
// a fresh model initializes it.
struct TensorSpec {
  enum class Init { ones, embedding, projection, residual_projection };
  std::string name;
  int64_t ne0 = 0;
  int64_t ne1 = 1;  // 1 for the norm vectors
  Init init = Init::projection;
};
// Every weight in the order llama.cpp lists them; without output.weight when `tied` (llama.cpp
// then projects onto the vocabulary with token_embd.weight).
std::vector<TensorSpec> llama_tensor_specs(const LlamaHparams& hp, bool tied);

// Writes general.architecture/name/file_type and every llama.* key the loader reads.
void set_llama_hparams(gguf_context* meta, const LlamaHparams& hp);
// Reads them back; an error names the first missing or unsupported key.
core::Result<LlamaHparams> read_llama_hparams(const gguf_context* meta);

// Writes `tensors` (F32, host memory) under the key/values of `meta` to `path`, atomically: a
// temporary file next to it, then a rename, so a crash never leaves a half-written model where a
// server would load it. `meta` itself is not modified.
core::Status write_gguf(const std::string& path, const gguf_context* meta,
                        const std::vector<const ggml_tensor*>& tensors);

}  // namespace sy::engine
