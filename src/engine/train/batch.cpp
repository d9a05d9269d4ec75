#include "engine/train/batch.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sy::engine::train {

BatchShape choose_shape(const std::vector<Sample>& samples, uint32_t batch) {
  size_t longest = 0;
  size_t total = 0;
  for (const Sample& s : samples) {
    longest = std::max(longest, s.tokens.size());
    total += s.tokens.size();
  }
  BatchShape shape;
  shape.row_len = static_cast<uint32_t>((longest + 7) / 8 * 8);  // rows of a multiple of 8 keep matmuls aligned
  const double mean = samples.empty() ? 1.0 : static_cast<double>(total) / static_cast<double>(samples.size());
  const double wanted = std::max<uint32_t>(batch, 1) * mean / shape.row_len;
  shape.rows = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(wanted)));
  return shape;
}

std::vector<Step> plan_epoch(const std::vector<Sample>& samples, const std::vector<size_t>& order,
                             const BatchShape& shape) {
  std::vector<Step> steps;
  std::vector<uint32_t> fill;
  auto open_step = [&] {
    steps.emplace_back();
    fill.assign(shape.rows, 0);
  };
  open_step();
  for (size_t idx : order) {
    const auto len = static_cast<uint32_t>(samples[idx].tokens.size());
    auto place = [&]() -> bool {
      for (uint32_t r = 0; r < shape.rows; ++r) {
        if (fill[r] + len <= shape.row_len) {
          steps.back().placements.push_back({idx, r, fill[r]});
          steps.back().targets += static_cast<uint32_t>(samples[idx].answer_len());
          fill[r] += len;
          return true;
        }
      }
      return false;
    };
    if (!place()) {
      open_step();
      place();  // an empty step always has room: row_len holds the longest sample
    }
  }
  return steps;
}

void fill_step(const std::vector<Sample>& samples, const Step& step, const BatchShape& shape, uint32_t n_vocab,
               StepInputs& out) {
  const uint32_t T = shape.row_len;
  const size_t n_tok = shape.tokens();
  out.tokens.assign(n_tok, 0);
  out.positions.assign(n_tok, 0);
  out.target_at.assign(shape.targets, 0);
  out.target_weight.assign(shape.targets, 0.0f);
  out.labels.assign(static_cast<size_t>(n_vocab) * shape.targets, 0.0f);
  out.mask.assign(static_cast<size_t>(T) * T * shape.rows, -std::numeric_limits<float>::infinity());
  out.n_targets = 0;

  // segment[i]: which sample occupies token i of its row; padding gets a segment of its own per
  // token, so it attends to itself only (a row of the softmax with nothing to attend to is NaN).
  std::vector<int64_t> segment(n_tok);
  for (size_t i = 0; i < n_tok; ++i) segment[i] = -1 - static_cast<int64_t>(i);

  for (const Placement& p : step.placements) {
    const Sample& s = samples[p.sample];
    if (out.n_targets + s.answer_len() > shape.targets) break;  // a plan for another shape: never overrun
    const size_t base = static_cast<size_t>(p.row) * T + p.offset;
    for (size_t j = 0; j < s.tokens.size(); ++j) {
      out.tokens[base + j] = s.tokens[j];
      out.positions[base + j] = static_cast<int32_t>(j);
      segment[base + j] = static_cast<int64_t>(p.sample);
    }
    // Position j predicts token j + 1; the targets are the answer and EOS.
    for (size_t j = s.prompt_len - 1; j + 1 < s.tokens.size(); ++j) {
      const uint32_t slot = out.n_targets++;
      out.target_at[slot] = static_cast<int32_t>(base + j);
      out.target_weight[slot] = 1.0f;
      out.labels[static_cast<size_t>(slot) * n_vocab + static_cast<uint32_t>(s.tokens[j + 1])] = 1.0f;
    }
  }
  // Unused slots: the weight zeroes their logits (and so their gradient); their label is a token
  // the zero logits' argmax (id 0) is not, so they never count as correct predictions.
  for (uint32_t slot = out.n_targets; slot < shape.targets; ++slot) {
    out.labels[static_cast<size_t>(slot) * n_vocab + (n_vocab > 1 ? 1 : 0)] = 1.0f;
  }

  for (uint32_t r = 0; r < shape.rows; ++r) {
    float* m = out.mask.data() + static_cast<size_t>(r) * T * T;
    const int64_t* seg = segment.data() + static_cast<size_t>(r) * T;
    for (uint32_t q = 0; q < T; ++q) {
      for (uint32_t k = 0; k <= q; ++k) {
        if (seg[k] == seg[q]) m[static_cast<size_t>(q) * T + k] = 0.0f;
      }
    }
  }
}

}  // namespace sy::engine::train
