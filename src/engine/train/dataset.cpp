#include "engine/train/dataset.h"

#include <llama.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>

namespace sy::engine::train {

core::Result<std::vector<QaPair>> read_qa_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Error::invalid_request("cannot read " + path);
  std::vector<QaPair> pairs;
  std::string line;
  for (size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) return core::Error::invalid_request(where + ": not a JSON object");
    const auto& obj = v.get_object();
    const auto* q = obj.if_contains("question");
    const auto* a = obj.if_contains("answer");
    if (!q || !q->is_string() || !a || !a->is_string()) {
      return core::Error::invalid_request(where + ": needs string fields \"question\" and \"answer\"");
    }
    pairs.push_back({std::string(q->get_string()), std::string(a->get_string())});
    // Other ways of asking the same question teach the answer to the question, not to its words.
    if (const auto* alt = obj.if_contains("alternates"); alt && alt->is_array()) {
      for (const auto& x : alt->get_array()) {
        if (x.is_string()) pairs.push_back({std::string(x.get_string()), std::string(a->get_string())});
      }
    }
  }
  if (pairs.empty()) return core::Error::invalid_request(path + " has no samples");
  return pairs;
}

std::vector<int32_t> tokenize(const llama_model* model, const std::string& text, bool add_special, bool parse_special) {
  const llama_vocab* vocab = llama_model_get_vocab(model);
  std::vector<int32_t> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                             static_cast<int32_t>(tokens.size()), add_special, parse_special);
  if (n < 0) {
    tokens.resize(static_cast<size_t>(-n));
    n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                       static_cast<int32_t>(tokens.size()), add_special, parse_special);
  }
  tokens.resize(static_cast<size_t>(std::max(n, 0)));
  return tokens;
}

core::Result<std::string> render_prompt(const llama_model* model, const std::string& question) {
  const char* tmpl = llama_model_chat_template(model, nullptr);
  if (!tmpl) return core::Error::invalid_request("model has no tokenizer.chat_template");
  const llama_chat_message msg{"user", question.c_str()};
  std::string buf(question.size() * 2 + 256, '\0');
  int32_t n = llama_chat_apply_template(tmpl, &msg, 1, /*add_ass=*/true, buf.data(), static_cast<int32_t>(buf.size()));
  if (n > static_cast<int32_t>(buf.size())) {
    buf.resize(static_cast<size_t>(n));
    n = llama_chat_apply_template(tmpl, &msg, 1, true, buf.data(), static_cast<int32_t>(buf.size()));
  }
  if (n < 0) return core::Error::invalid_request("llama.cpp does not recognize the model's chat template");
  buf.resize(static_cast<size_t>(n));
  return buf;
}

core::Result<std::vector<Sample>> make_samples(const llama_model* model, const std::vector<QaPair>& pairs,
                                               size_t max_tokens) {
  const llama_token eos = llama_vocab_eos(llama_model_get_vocab(model));
  std::vector<Sample> samples;
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto prompt = render_prompt(model, pairs[i].question);
    if (!prompt) return prompt.error();
    Sample s;
    s.tokens = tokenize(model, *prompt, /*add_special=*/true, /*parse_special=*/true);
    s.prompt_len = s.tokens.size();
    // The answer is tokenized as the continuation of the prompt, the way the model will emit it:
    // on its own SentencePiece would prefix it with a space ("▁Full") and the reply would start
    // with one. If the joint tokenization merges across the boundary the prompt would no longer
    // match what inference feeds, so then the answer is tokenized on its own after all.
    std::vector<int32_t> joint = tokenize(model, *prompt + pairs[i].answer, true, true);
    if (joint.size() > s.prompt_len && std::equal(s.tokens.begin(), s.tokens.end(), joint.begin())) {
      s.tokens = std::move(joint);
    } else {
      auto answer = tokenize(model, pairs[i].answer, false, false);
      s.tokens.insert(s.tokens.end(), answer.begin(), answer.end());
    }
    s.tokens.push_back(eos);
    if (s.tokens.size() > max_tokens) {
      return core::Error::invalid_request("sample " + std::to_string(i + 1) + " is " + std::to_string(s.tokens.size()) +
                                          " tokens, longer than the context (" + std::to_string(max_tokens) + ")");
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace sy::engine::train
