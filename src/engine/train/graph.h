#pragma once
// The training forward pass: llama.cpp's LLM_ARCH_LLAMA graph written out with ops that all have a
// backward in ggml, so every weight gets a gradient. It differs from inference only in plumbing:
// no KV cache (inference's K/V go through the cache, whose SET_ROWS has no backward), a causal
// mask built per packed sample instead of per sequence, and logits only at the gathered target
// positions. The numbers are the same: RMSNorm with the file's epsilon, RoPE in llama's mode
// (LLAMA_ROPE_TYPE_NORM) and frequency base, softmax(QK^T / sqrt(head_dim)), SwiGLU, output norm
// and projection (tied to the embeddings when the file has no output.weight).
#include <ggml.h>

#include "engine/train/batch.h"
#include "engine/train/model_weights.h"

namespace sy::engine::train {

// The step's input tensors (see StepInputs for their layout).
struct GraphInputs {
  ggml_tensor* tokens = nullptr;         // I32 [row_len * rows]
  ggml_tensor* positions = nullptr;      // I32 [row_len * rows]
  ggml_tensor* mask = nullptr;           // F32 [row_len, row_len, 1, rows]
  ggml_tensor* target_at = nullptr;      // I32 [targets]
  ggml_tensor* target_weight = nullptr;  // F32 [1, targets]
};

// Creates the input tensors in `ctx` (no data yet), marked as graph inputs.
GraphInputs new_graph_inputs(ggml_context* ctx, const BatchShape& shape);

// Copies a step's host inputs into the (allocated) input tensors.
void upload(const GraphInputs& in, const StepInputs& host);

// Logits at the target positions, [n_vocab, targets], each column scaled by its target weight.
ggml_tensor* build_forward(ggml_context* ctx, const ModelWeights& w, const GraphInputs& in, const BatchShape& shape);

// Room for the nodes of build_forward plus their gradients and optimizer steps.
size_t graph_context_size(uint32_t n_layer);

// ggml-opt builds its graphs with GGML_DEFAULT_GRAPH_SIZE nodes; deeper models do not fit.
inline constexpr uint32_t kMaxTrainLayers = 12;

}  // namespace sy::engine::train
