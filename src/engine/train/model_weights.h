#pragma once
// A llama-architecture GGUF's weights as trainable ggml tensors in one CPU backend buffer, plus its
// key/values, so training can write back a file that is the input with new weights.
#include <ggml-cpp.h>

#include <string>
#include <vector>

#include "core/result.h"
#include "engine/gguf_writer.h"

namespace sy::engine::train {

struct LayerWeights {
  ggml_tensor* attn_norm = nullptr;
  ggml_tensor* wq = nullptr;
  ggml_tensor* wk = nullptr;
  ggml_tensor* wv = nullptr;
  ggml_tensor* wo = nullptr;
  ggml_tensor* ffn_norm = nullptr;
  ggml_tensor* ffn_gate = nullptr;
  ggml_tensor* ffn_up = nullptr;
  ggml_tensor* ffn_down = nullptr;
};

struct ModelWeights {
  LlamaHparams hp;
  gguf_context_ptr meta;  // every key/value of the source file
  ggml_context_ptr ctx;
  ggml_backend_buffer_ptr buffer;
  ggml_tensor* tok_embd = nullptr;
  ggml_tensor* output_norm = nullptr;
  ggml_tensor* output = nullptr;  // nullptr: tied to tok_embd, as llama.cpp does
  std::vector<LayerWeights> layers;
  std::vector<ggml_tensor*> all;  // in the file's canonical order, for writing

  ggml_tensor* lm_head() const { return output ? output : tok_embd; }
};

// Reads `path`; every tensor must be F32 with the shape llama_tensor_specs gives.
core::Result<ModelWeights> load_weights(const std::string& path);

// Marks every weight trainable.
void set_params(ModelWeights& w);

}  // namespace sy::engine::train
