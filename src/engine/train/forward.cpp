#include "engine/train/forward.h"

#include <ggml-alloc.h>
#include <ggml-backend.h>
#include <ggml-cpu.h>

#include <limits>

#include "engine/train/graph.h"

namespace sy::engine::train {

core::Result<std::vector<float>> forward_logits(const ModelWeights& w, const std::vector<int32_t>& tokens,
                                                int threads) {
  if (tokens.empty()) return core::Error::invalid_request("no tokens");
  const auto n = static_cast<uint32_t>(tokens.size());
  const BatchShape shape{n, 1, n};

  ggml_init_params params{graph_context_size(w.hp.n_layer), nullptr, /*no_alloc=*/true};
  ggml_context_ptr ctx(ggml_init(params));
  GraphInputs in = new_graph_inputs(ctx.get(), shape);
  ggml_tensor* logits = build_forward(ctx.get(), w, in, shape);
  ggml_set_output(logits);
  ggml_cgraph* gf = ggml_new_graph(ctx.get());
  ggml_build_forward_expand(gf, logits);

  ggml_gallocr_ptr alloc(ggml_gallocr_new(ggml_backend_cpu_buffer_type()));
  if (!ggml_gallocr_alloc_graph(alloc.get(), gf)) return core::Error::internal("cannot allocate the forward graph");

  // One sample whose every position is a target: the whole sequence, causally masked.
  StepInputs host;
  host.tokens = tokens;
  host.positions.resize(n);
  host.target_at.resize(n);
  host.target_weight.assign(n, 1.0f);
  host.mask.assign(static_cast<size_t>(n) * n, -std::numeric_limits<float>::infinity());
  for (uint32_t q = 0; q < n; ++q) {
    host.positions[q] = static_cast<int32_t>(q);
    host.target_at[q] = static_cast<int32_t>(q);
    for (uint32_t k = 0; k <= q; ++k) host.mask[static_cast<size_t>(q) * n + k] = 0.0f;
  }
  upload(in, host);

  ggml_backend_ptr backend(ggml_backend_cpu_init());
  ggml_backend_cpu_set_n_threads(backend.get(), threads);
  if (ggml_backend_graph_compute(backend.get(), gf) != GGML_STATUS_SUCCESS) {
    return core::Error::internal("forward pass failed");
  }
  std::vector<float> out(ggml_nelements(logits));
  ggml_backend_tensor_get(logits, out.data(), 0, ggml_nbytes(logits));
  return out;
}

}  // namespace sy::engine::train
