#include "engine/train/graph.h"

#include <ggml-backend.h>

#include <cmath>

namespace sy::engine::train {
namespace {

constexpr int kRopeModeNorm = 0;  // LLAMA_ROPE_TYPE_NORM: what llama.cpp uses for LLM_ARCH_LLAMA

ggml_tensor* norm(ggml_context* ctx, ggml_tensor* x, ggml_tensor* weight, float eps) {
  return ggml_mul(ctx, ggml_rms_norm(ctx, x, eps), weight);
}

ggml_tensor* rope(ggml_context* ctx, ggml_tensor* x, ggml_tensor* positions, const LlamaHparams& hp) {
  // Plain RoPE as llama.cpp runs it for a llama file without rope scaling: freq_scale 1, no YaRN
  // (ext_factor 0, so beta_fast/slow are unused), attn_factor 1.
  return ggml_rope_ext(ctx, x, positions, nullptr, static_cast<int>(hp.head_dim()), kRopeModeNorm,
                       static_cast<int>(hp.n_ctx), hp.rope_freq_base, 1.0f, 0.0f, 1.0f, 32.0f, 1.0f);
}

ggml_tensor* attention(ggml_context* ctx, const LayerWeights& L, ggml_tensor* cur, const GraphInputs& in,
                       const BatchShape& shape, const LlamaHparams& hp) {
  const int64_t hd = hp.head_dim(), nh = hp.n_head, nkv = hp.n_head_kv;
  const int64_t T = shape.row_len, R = shape.rows, n = shape.tokens();

  ggml_tensor* q = rope(ctx, ggml_reshape_3d(ctx, ggml_mul_mat(ctx, L.wq, cur), hd, nh, n), in.positions, hp);
  ggml_tensor* k = rope(ctx, ggml_reshape_3d(ctx, ggml_mul_mat(ctx, L.wk, cur), hd, nkv, n), in.positions, hp);
  ggml_tensor* v = ggml_mul_mat(ctx, L.wv, cur);

  // [hd, heads, T, R] -> [hd, T, heads, R]: one T x T attention per head and row.
  q = ggml_permute(ctx, ggml_reshape_4d(ctx, q, hd, nh, T, R), 0, 2, 1, 3);
  k = ggml_permute(ctx, ggml_reshape_4d(ctx, k, hd, nkv, T, R), 0, 2, 1, 3);
  ggml_tensor* kq = ggml_mul_mat(ctx, k, q);  // [T_k, T_q, heads, R]
  kq = ggml_soft_max_ext(ctx, kq, in.mask, 1.0f / std::sqrt(static_cast<float>(hd)), 0.0f);

  // V as [T_k, hd, heads, R] so that V^T x softmax gives [hd, T_q, heads, R].
  ggml_tensor* vt = ggml_cont(ctx, ggml_permute(ctx, ggml_reshape_4d(ctx, v, hd, nkv, T, R), 1, 2, 0, 3));
  ggml_tensor* kqv = ggml_mul_mat(ctx, vt, kq);
  ggml_tensor* merged = ggml_cont(ctx, ggml_permute(ctx, kqv, 0, 2, 1, 3));  // [hd, heads, T, R]
  return ggml_mul_mat(ctx, L.wo, ggml_reshape_2d(ctx, merged, hd * nh, n));
}

ggml_tensor* feed_forward(ggml_context* ctx, const LayerWeights& L, ggml_tensor* cur) {
  ggml_tensor* gate = ggml_silu(ctx, ggml_mul_mat(ctx, L.ffn_gate, cur));
  ggml_tensor* up = ggml_mul_mat(ctx, L.ffn_up, cur);
  return ggml_mul_mat(ctx, L.ffn_down, ggml_mul(ctx, gate, up));
}

}  // namespace

GraphInputs new_graph_inputs(ggml_context* ctx, const BatchShape& shape) {
  GraphInputs in;
  in.tokens = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, shape.tokens());
  in.positions = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, shape.tokens());
  in.mask = ggml_new_tensor_4d(ctx, GGML_TYPE_F32, shape.row_len, shape.row_len, 1, shape.rows);
  in.target_at = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, shape.targets);
  in.target_weight = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 1, shape.targets);
  ggml_set_name(in.tokens, "tokens");
  ggml_set_name(in.positions, "positions");
  ggml_set_name(in.mask, "mask");
  ggml_set_name(in.target_at, "target_at");
  ggml_set_name(in.target_weight, "target_weight");
  for (ggml_tensor* t : {in.tokens, in.positions, in.mask, in.target_at, in.target_weight}) ggml_set_input(t);
  return in;
}

void upload(const GraphInputs& in, const StepInputs& host) {
  ggml_backend_tensor_set(in.tokens, host.tokens.data(), 0, ggml_nbytes(in.tokens));
  ggml_backend_tensor_set(in.positions, host.positions.data(), 0, ggml_nbytes(in.positions));
  ggml_backend_tensor_set(in.mask, host.mask.data(), 0, ggml_nbytes(in.mask));
  ggml_backend_tensor_set(in.target_at, host.target_at.data(), 0, ggml_nbytes(in.target_at));
  ggml_backend_tensor_set(in.target_weight, host.target_weight.data(), 0, ggml_nbytes(in.target_weight));
}

ggml_tensor* build_forward(ggml_context* ctx, const ModelWeights& w, const GraphInputs& in, const BatchShape& shape) {
  const LlamaHparams& hp = w.hp;
  ggml_tensor* x = ggml_get_rows(ctx, w.tok_embd, in.tokens);  // [n_embd, tokens]
  for (const LayerWeights& L : w.layers) {
    x = ggml_add(ctx, x, attention(ctx, L, norm(ctx, x, L.attn_norm, hp.rms_eps), in, shape, hp));
    x = ggml_add(ctx, x, feed_forward(ctx, L, norm(ctx, x, L.ffn_norm, hp.rms_eps)));
  }
  // Only the target positions go through the output projection, the largest matmul by far.
  x = ggml_get_rows(ctx, x, in.target_at);  // [n_embd, targets]
  x = norm(ctx, x, w.output_norm, hp.rms_eps);
  ggml_tensor* logits = ggml_mul_mat(ctx, w.lm_head(), x);  // [n_vocab, targets]
  return ggml_mul(ctx, logits, in.target_weight);
}

size_t graph_context_size(uint32_t n_layer) {
  // About 35 forward tensors per layer, a few times that with gradients and AdamW steps.
  const size_t tensors = 1024 + static_cast<size_t>(n_layer) * 512;
  return tensors * ggml_tensor_overhead() + 4 * ggml_graph_overhead_custom(GGML_DEFAULT_GRAPH_SIZE, true);
}

}  // namespace sy::engine::train
