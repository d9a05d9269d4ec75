#include "engine/train/evaluator.h"

#include <ggml-alloc.h>
#include <ggml-backend.h>
#include <ggml-cpu.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sy::engine::train {

core::Result<std::unique_ptr<Evaluator>> Evaluator::create(const ModelWeights& w, const BatchShape& shape,
                                                           int threads) {
  std::unique_ptr<Evaluator> e(new Evaluator());
  e->w_ = &w;
  e->shape_ = shape;
  e->backend_.reset(ggml_backend_cpu_init());
  if (!e->backend_) return core::Error::internal("cannot start the ggml CPU backend");
  ggml_backend_cpu_set_n_threads(e->backend_.get(), std::max(1, threads));
  ggml_init_params params{graph_context_size(w.hp.n_layer), nullptr, /*no_alloc=*/true};
  e->ctx_.reset(ggml_init(params));
  e->in_ = new_graph_inputs(e->ctx_.get(), shape);
  e->logits_ = build_forward(e->ctx_.get(), w, e->in_, shape);
  ggml_set_output(e->logits_);
  e->graph_ = ggml_new_graph(e->ctx_.get());
  ggml_build_forward_expand(e->graph_, e->logits_);
  e->alloc_.reset(ggml_gallocr_new(ggml_backend_cpu_buffer_type()));
  if (!ggml_gallocr_alloc_graph(e->alloc_.get(), e->graph_)) {
    return core::Error::internal("out of memory for the evaluation graph");
  }
  return e;
}

EvalResult Evaluator::run(const std::vector<Sample>& samples, const std::vector<Step>& steps) {
  const uint32_t V = w_->hp.n_vocab;
  double loss_sum = 0.0;
  uint64_t correct = 0;
  uint64_t targets = 0;
  float min_margin = std::numeric_limits<float>::infinity();
  for (const Step& step : steps) {
    fill_step(samples, step, shape_, V, host_);
    upload(in_, host_);
    ggml_backend_graph_compute(backend_.get(), graph_);
    out_.resize(ggml_nelements(logits_));
    ggml_backend_tensor_get(logits_, out_.data(), 0, ggml_nbytes(logits_));
    for (uint32_t slot = 0; slot < host_.n_targets; ++slot) {
      const float* row = out_.data() + static_cast<size_t>(slot) * V;
      const float* one_hot = host_.labels.data() + static_cast<size_t>(slot) * V;
      const auto label = static_cast<uint32_t>(std::max_element(one_hot, one_hot + V) - one_hot);
      float best_other = -std::numeric_limits<float>::infinity();
      float max = row[label];
      for (uint32_t v = 0; v < V; ++v) {
        if (v != label) best_other = std::max(best_other, row[v]);
        max = std::max(max, row[v]);
      }
      double sum = 0.0;
      for (uint32_t v = 0; v < V; ++v) sum += std::exp(static_cast<double>(row[v] - max));
      loss_sum += std::log(sum) - static_cast<double>(row[label] - max);
      min_margin = std::min(min_margin, row[label] - best_other);
      correct += row[label] > best_other;
    }
    targets += host_.n_targets;
  }
  EvalResult r;
  r.loss = targets ? loss_sum / static_cast<double>(targets) : 0.0;
  r.accuracy = targets ? static_cast<double>(correct) / static_cast<double>(targets) : 0.0;
  r.min_margin = targets ? min_margin : 0.0f;
  return r;
}

}  // namespace sy::engine::train
