#pragma once
// Training samples, packed exactly the way inference will see them: the engine renders a question
// with the model's own chat template (one user turn, assistant prompt appended), tokenizes it with
// the vocabulary's special tokens (BOS from add_bos) and then decodes greedily until an
// end-of-generation token. So a sample is those prompt tokens, then the answer's tokens, then EOS,
// and only the tokens after the prompt are learned.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

struct llama_model;

namespace sy::engine::train {

struct QaPair {
  std::string question;
  std::string answer;
};

struct Sample {
  std::vector<int32_t> tokens;  // prompt, answer, EOS
  size_t prompt_len = 0;        // tokens[prompt_len..] are the targets
  size_t answer_len() const { return tokens.size() - prompt_len; }
};

// JSON lines with string fields "question" and "answer", and optionally "alternates" (other
// phrasings of the question, each one more pair with the same answer); other fields ignored;
// blank lines skipped.
core::Result<std::vector<QaPair>> read_qa_jsonl(const std::string& path);

// The prompt text the engine builds for `question` with the model's chat template.
core::Result<std::string> render_prompt(const llama_model* model, const std::string& question);

// Tokenizes every pair; fails if one does not fit in max_tokens.
core::Result<std::vector<Sample>> make_samples(const llama_model* model, const std::vector<QaPair>& pairs,
                                               size_t max_tokens);

// llama_tokenize into a vector.
std::vector<int32_t> tokenize(const llama_model* model, const std::string& text, bool add_special, bool parse_special);

}  // namespace sy::engine::train
