#pragma once
// The training loop: ggml-opt with static graphs (built once for the fixed step shape), AdamW with
// a warmup + cosine learning rate, on the CPU backend. The goal is memorization, so the loop can
// stop early: once an epoch predicts every target token, a forward pass over all samples with the
// current weights measures each target's margin (its logit minus the best other one). Every
// margin positive is exactly the condition for greedy decoding to reproduce every answer; the
// loop stops once the smallest is at least stop_margin, a cushion against the small numeric
// differences of inference (F16 KV cache, batched matmuls).
#include <cstdint>
#include <functional>
#include <vector>

#include "core/result.h"
#include "engine/train/batch.h"
#include "engine/train/dataset.h"
#include "engine/train/evaluator.h"
#include "engine/train/model_weights.h"

namespace sy::engine::train {

struct TrainConfig {
  uint32_t epochs = 120;      // at most
  float lr = 2e-3f;           // peak learning rate
  float lr_min_ratio = 0.1f;  // cosine decays to lr * lr_min_ratio at the last planned step
  uint32_t warmup_steps = 10;
  uint32_t batch = 8;  // samples per step (about: samples are packed into fixed rows)
  uint64_t seed = 42;
  int threads = 2;
  float beta1 = 0.9f;
  float beta2 = 0.99f;
  float weight_decay = 0.0f;
  bool stop_when_exact = true;
  float stop_margin = 2.0f;  // smallest target-logit lead over the runner-up to stop at
};

struct EpochStats {
  uint32_t epoch = 0;
  double loss = 0.0;      // mean cross-entropy per target token, during the epoch
  double accuracy = 0.0;  // share of target tokens that were the argmax, during the epoch
  double seconds = 0.0;
};

struct TrainReport {
  std::vector<EpochStats> epochs;
  uint64_t steps = 0;
  BatchShape shape;
  bool exact = false;       // the final check predicted every target
  double final_loss = 0.0;  // mean loss of the final forward pass over all samples
  float min_margin = 0.0f;  // smallest target margin in that pass
  double seconds = 0.0;
};

struct TrainProgress {
  std::function<void(uint32_t epoch, uint32_t step, uint32_t n_steps, double loss)> on_step;
  std::function<void(const EpochStats&)> on_epoch;
  std::function<void(const EvalResult&)> on_check;  // after each full forward check
};

// Trains `w` in place.
core::Result<TrainReport> train_model(ModelWeights& w, const std::vector<Sample>& samples, const TrainConfig& cfg,
                                      const TrainProgress& progress);

}  // namespace sy::engine::train
