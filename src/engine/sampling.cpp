#include "engine/sampling.h"

#include <cmath>
#include <random>

#include <llama.h>

namespace sy::engine {

void SamplerDeleter::operator()(llama_sampler* s) const { llama_sampler_free(s); }

core::Result<SamplerPtr> make_sampler(const SamplingParams& p, const llama_vocab* vocab) {
  auto chain_params = llama_sampler_chain_default_params();
  chain_params.no_perf = true;
  SamplerPtr chain(llama_sampler_chain_init(chain_params));
  // The grammar goes first: it removes tokens, then the usual chain picks among the rest.
  if (!p.grammar.empty()) {
    auto* grammar = llama_sampler_init_grammar(vocab, p.grammar.c_str(), "root");
    if (!grammar) return core::Error::invalid_request("the response format could not be compiled to a grammar", "response_format");
    llama_sampler_chain_add(chain.get(), grammar);
  }
  std::vector<llama_logit_bias> bias;
  for (auto [token, value] : p.logit_bias) bias.push_back({token, value});
  if (p.ignore_eos && p.grammar.empty()) {
    const int32_t n = llama_vocab_n_tokens(vocab);
    for (int32_t token = 0; token < n; ++token) {
      if (llama_vocab_is_eog(vocab, token)) bias.push_back({token, -INFINITY});
    }
  }
  if (!bias.empty()) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_logit_bias(llama_vocab_n_tokens(vocab),
                                                                       static_cast<int32_t>(bias.size()), bias.data()));
  }
  if (p.repetition_penalty != 1.0f || p.frequency_penalty != 0.0f || p.presence_penalty != 0.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_penalties(llama_vocab_n_tokens(vocab), p.penalty_last_n, p.repetition_penalty,
                                                                      p.frequency_penalty, p.presence_penalty));
  }
  if (p.temperature <= 0.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  if (p.top_k > 0) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(p.top_k));
  if (p.top_p < 1.0f) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(p.top_p, 1));
  if (p.min_p > 0.0f) llama_sampler_chain_add(chain.get(), llama_sampler_init_min_p(p.min_p, 1));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(p.temperature));
  uint32_t seed = p.seed ? *p.seed : std::random_device{}();
  llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(seed));
  return chain;
}

}  // namespace sy::engine
