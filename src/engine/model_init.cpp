#include "engine/model_init.h"

#include <ggml-cpp.h>
#include <ggml.h>
#include <gguf.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/vocab_trim.h"

#ifndef SWITCHYARD_LLAMA_VOCAB_DIR
#define SWITCHYARD_LLAMA_VOCAB_DIR "."
#endif

namespace sy::engine {

const char* const kDemoChatTemplate =
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}"
    "{% endif %}"
    "{% endfor %}";

namespace {

// Normal samples from a fixed generator through Box-Muller: std::normal_distribution's algorithm is
// left to the library, and a seed must give the same model on every machine.
class Normal {
 public:
  explicit Normal(uint64_t seed) : rng_(seed) {}
  float operator()(float std) {
    if (has_spare_) {
      has_spare_ = false;
      return spare_ * std;
    }
    double u1 = 0.0;
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = static_cast<float>(r * std::sin(2.0 * M_PI * u2));
    has_spare_ = true;
    return static_cast<float>(r * std::cos(2.0 * M_PI * u2)) * std;
  }

 private:
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  std::mt19937_64 rng_;
  float spare_ = 0.0f;
  bool has_spare_ = false;
};

}  // namespace

std::string default_vocab_file() { return SWITCHYARD_LLAMA_VOCAB_DIR "/ggml-vocab-llama-spm.gguf"; }

ModelInitOptions default_model_init_options() {
  ModelInitOptions o;
  o.vocab_file = default_vocab_file();
  return o;
}

core::Result<LlamaHparams> init_model(const ModelInitOptions& opts) {
  LlamaHparams hp = opts.hparams;
  if (hp.n_layer == 0 || hp.n_embd == 0 || hp.n_ff == 0 || hp.n_ctx == 0) {
    return core::Error::invalid_request("layers, embd, ff and ctx must be positive");
  }
  if (hp.n_head == 0 || hp.n_embd % hp.n_head != 0 || (hp.n_embd / hp.n_head) % 2 != 0) {
    return core::Error::invalid_request("embd must be a multiple of heads with an even head size");
  }
  if (hp.n_head_kv == 0 || hp.n_head % hp.n_head_kv != 0) hp.n_head_kv = hp.n_head;

  gguf_context_ptr meta(gguf_init_empty());
  const std::string vocab_file = opts.vocab_file.empty() ? default_vocab_file() : opts.vocab_file;
  auto n_vocab = copy_trimmed_vocab(vocab_file, opts.vocab_keep, meta.get());
  if (!n_vocab) return n_vocab.error();
  hp.n_vocab = *n_vocab;
  set_llama_hparams(meta.get(), hp);
  gguf_set_val_str(meta.get(), "tokenizer.chat_template", kDemoChatTemplate);
  gguf_set_val_u64(meta.get(), "switchyard.init.seed", opts.seed);

  const std::vector<TensorSpec> specs = llama_tensor_specs(hp, opts.tie_embeddings);
  size_t bytes = 0;
  for (const TensorSpec& s : specs) bytes += ggml_row_size(GGML_TYPE_F32, s.ne0) * s.ne1 + ggml_tensor_overhead();
  ggml_init_params params{/*mem_size=*/bytes + 1024, /*mem_buffer=*/nullptr, /*no_alloc=*/false};
  ggml_context_ptr ctx(ggml_init(params));
  if (!ctx) return core::Error::internal("out of memory for the model tensors");

  // GPT-2's scheme: small normal weights, and the projections that feed the residual stream
  // scaled by 1/sqrt(2 * layers) so the stream's variance does not grow with depth.
  const float resid_std = opts.init_std / std::sqrt(2.0f * static_cast<float>(hp.n_layer));
  Normal normal(opts.seed);
  std::vector<const ggml_tensor*> tensors;
  for (const TensorSpec& s : specs) {
    ggml_tensor* t = s.ne1 == 1 ? ggml_new_tensor_1d(ctx.get(), GGML_TYPE_F32, s.ne0)
                                : ggml_new_tensor_2d(ctx.get(), GGML_TYPE_F32, s.ne0, s.ne1);
    ggml_set_name(t, s.name.c_str());
    auto* data = static_cast<float*>(t->data);
    const int64_t n = ggml_nelements(t);
    for (int64_t i = 0; i < n; ++i) {
      switch (s.init) {
        case TensorSpec::Init::ones:
          data[i] = 1.0f;
          break;
        case TensorSpec::Init::embedding:
        case TensorSpec::Init::projection:
          data[i] = normal(opts.init_std);
          break;
        case TensorSpec::Init::residual_projection:
          data[i] = normal(resid_std);
          break;
      }
    }
    tensors.push_back(t);
  }
  auto written = write_gguf(opts.out, meta.get(), tensors);
  if (!written) return written.error();
  return hp;
}

}  // namespace sy::engine
