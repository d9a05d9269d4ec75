#pragma once
// Per-request sampling, as OpenAI and llama.cpp's server name the knobs. Built into a llama.cpp
// sampler chain owned by the slot that runs the request.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

struct llama_sampler;
struct llama_vocab;

namespace sy::engine {

struct SamplingParams {
  float temperature = 1.0f;        // 0 = greedy
  float top_p = 1.0f;
  int32_t top_k = 0;               // 0 = off
  float min_p = 0.0f;
  std::optional<uint32_t> seed;    // none = a fresh random seed per request
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  float repetition_penalty = 1.0f;
  int32_t penalty_last_n = 64;
  std::vector<std::pair<int32_t, float>> logit_bias;  // token id -> added logit (-100 bans)
  std::string grammar;             // GBNF; empty = free text
  // End-of-generation tokens are never sampled: the answer runs to max_tokens (or the context),
  // as benchmark clients ask with `ignore_eos`. Not with a grammar, whose end is the answer's.
  bool ignore_eos = false;
};

struct SamplerDeleter {
  void operator()(llama_sampler* s) const;
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

// Fails only for a grammar llama.cpp cannot parse.
core::Result<SamplerPtr> make_sampler(const SamplingParams& params, const llama_vocab* vocab);

}  // namespace sy::engine
