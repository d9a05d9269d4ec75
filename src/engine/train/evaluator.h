#pragma once
// A forward-only pass over samples with the current weights, through the training graph (built
// once more, without gradients, in its own allocation so the training graph stays allocated).
// Besides loss and accuracy it measures the margin that matters for greedy decoding: at every
// target, the target's logit minus the best other logit. All margins positive means greedy
// decoding reproduces every answer; a margin comfortably above zero means it still does under the
// small numeric differences of inference (F16 KV cache, batched matmuls).
#include <ggml-cpp.h>

#include <memory>
#include <vector>

#include "core/result.h"
#include "engine/train/batch.h"
#include "engine/train/graph.h"
#include "engine/train/model_weights.h"

namespace sy::engine::train {

struct EvalResult {
  double loss = 0.0;        // mean cross-entropy per target
  double accuracy = 0.0;    // share of targets that are the argmax
  float min_margin = 0.0f;  // smallest target-logit lead over the best other logit
};

class Evaluator {
 public:
  static core::Result<std::unique_ptr<Evaluator>> create(const ModelWeights& w, const BatchShape& shape, int threads);
  EvalResult run(const std::vector<Sample>& samples, const std::vector<Step>& steps);

 private:
  Evaluator() = default;
  const ModelWeights* w_ = nullptr;
  BatchShape shape_;
  ggml_backend_ptr backend_;
  ggml_context_ptr ctx_;
  ggml_gallocr_ptr alloc_;
  ggml_cgraph* graph_ = nullptr;
  GraphInputs in_;
  ggml_tensor* logits_ = nullptr;
  StepInputs host_;
  std::vector<float> out_;
};

}  // namespace sy::engine::train
