#pragma once
// How samples become the fixed-shape inputs of one optimizer step. The training graph is built
// once (ggml-opt's static graphs), so every step has the same shape: `rows` rows of `row_len`
// tokens. Samples are packed into the rows back to back, each with positions from 0 and a
// block-diagonal causal mask, so a sample sees exactly what it sees at inference (itself, from the
// start) and no padding is wasted on short samples. The loss reads only the target positions,
// gathered into a fixed number of slots; unused slots get weight 0 and so no gradient.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/train/dataset.h"

namespace sy::engine::train {

struct BatchShape {
  uint32_t row_len = 0;  // tokens per row
  uint32_t rows = 0;     // rows per step
  uint32_t targets = 0;  // target slots per step
  uint32_t tokens() const { return row_len * rows; }
};

struct Placement {
  size_t sample = 0;
  uint32_t row = 0;
  uint32_t offset = 0;
};

struct Step {
  std::vector<Placement> placements;
  uint32_t targets = 0;
};

// Rows and row length for about `batch` samples per step: a row holds the longest sample, and
// there are as many rows as `batch` average samples fill.
BatchShape choose_shape(const std::vector<Sample>& samples, uint32_t batch);

// One epoch: the samples in `order`, first-fit into the rows of a step; a sample that fits in
// none closes the step. Every sample appears once.
std::vector<Step> plan_epoch(const std::vector<Sample>& samples, const std::vector<size_t>& order,
                             const BatchShape& shape);

// Host copies of a step's inputs, laid out as the graph's input tensors expect.
struct StepInputs {
  std::vector<int32_t> tokens;       // [row_len * rows]
  std::vector<int32_t> positions;    // [row_len * rows]
  std::vector<float> mask;           // [row_len (key), row_len (query), 1, rows]: 0 or -inf
  std::vector<int32_t> target_at;    // [targets]: index into tokens of the position predicting
  std::vector<float> target_weight;  // [targets]: 1 for a real target, 0 for an unused slot
  std::vector<float> labels;         // [n_vocab, targets]: one-hot next token
  uint32_t n_targets = 0;            // real targets
};

void fill_step(const std::vector<Sample>& samples, const Step& step, const BatchShape& shape, uint32_t n_vocab,
               StepInputs& out);

}  // namespace sy::engine::train
