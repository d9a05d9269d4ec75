#pragma once
// The training graph run forward on one token sequence: the logits at every position. Used to
// check that the training graph computes what llama.cpp computes at inference on the same weights.
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "engine/train/model_weights.h"

namespace sy::engine::train {

// Row-major [tokens.size()][n_vocab].
core::Result<std::vector<float>> forward_logits(const ModelWeights& w, const std::vector<int32_t>& tokens, int threads);

}  // namespace sy::engine::train
