#pragma once
// `switchyard model init`: a small llama-architecture GGUF with freshly initialized weights and a
// real (trimmed) SentencePiece tokenizer, the starting point `switchyard train` refines. The
// defaults are the demo model's: together with train's defaults they reproduce the FAQ corpus
// within the few minutes CI can spend on it.
#include <cstdint>
#include <string>

#include "core/result.h"
#include "engine/gguf_writer.h"

namespace sy::engine {

// A llama-2 style template: llama.cpp recognizes it as LLM_CHAT_TEMPLATE_LLAMA_2 and renders one
// user turn as "[INST] {question} [/INST]", whose markers cost only a few tokens of this vocabulary.
extern const char* const kDemoChatTemplate;

struct ModelInitOptions {
  std::string out;
  LlamaHparams hparams;        // n_vocab is filled in from the trimmed vocabulary
  std::string vocab_file;      // empty = the llama SentencePiece vocab shipped with llama.cpp
  uint32_t vocab_keep = 4096;  // first ids kept before the single-character pieces
  uint64_t seed = 42;
  bool tie_embeddings = false;  // no output.weight: the output projection reuses token_embd
  float init_std = 0.02f;
};

ModelInitOptions default_model_init_options();
std::string default_vocab_file();

// Writes the model; returns the hyperparameters it was written with.
core::Result<LlamaHparams> init_model(const ModelInitOptions& opts);

}  // namespace sy::engine
