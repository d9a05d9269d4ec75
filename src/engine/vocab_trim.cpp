#include "engine/vocab_trim.h"

#include <ggml-cpp.h>
#include <gguf.h>

#include <cstring>
#include <string_view>
#include <unordered_map>

namespace sy::engine {
namespace {

constexpr int32_t kTokenTypeNormal = 1;  // LLAMA_TOKEN_TYPE_NORMAL

// SentencePiece writes the space as U+2581; the lone piece is a single code point like any other.
bool is_single_code_point(std::string_view s) {
  if (s.empty()) return false;
  const auto lead = static_cast<unsigned char>(s[0]);
  size_t len = 1;
  if (lead >= 0xF0)
    len = 4;
  else if (lead >= 0xE0)
    len = 3;
  else if (lead >= 0xC0)
    len = 2;
  return s.size() == len;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::vector<uint32_t> select_vocab(const std::vector<std::string>& pieces, const std::vector<int32_t>& types,
                                   uint32_t keep_first) {
  std::vector<uint32_t> kept;
  for (uint32_t id = 0; id < pieces.size(); ++id) {
    const bool special = id < types.size() && types[id] != kTokenTypeNormal;
    if (id < keep_first || special || is_single_code_point(pieces[id])) kept.push_back(id);
  }
  return kept;
}

core::Result<uint32_t> copy_trimmed_vocab(const std::string& vocab_file, uint32_t keep_first, gguf_context* meta) {
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
  gguf_context_ptr src(gguf_init_from_file(vocab_file.c_str(), params));
  if (!src) return core::Error::invalid_request("cannot read vocabulary file " + vocab_file);
  const gguf_context* in = src.get();

  const int64_t tokens_id = gguf_find_key(in, "tokenizer.ggml.tokens");
  const int64_t scores_id = gguf_find_key(in, "tokenizer.ggml.scores");
  const int64_t types_id = gguf_find_key(in, "tokenizer.ggml.token_type");
  if (tokens_id < 0 || gguf_get_kv_type(in, tokens_id) != GGUF_TYPE_ARRAY ||
      gguf_get_arr_type(in, tokens_id) != GGUF_TYPE_STRING) {
    return core::Error::invalid_request(vocab_file + " has no tokenizer.ggml.tokens");
  }
  const size_t n = gguf_get_arr_n(in, tokens_id);
  std::vector<std::string> pieces(n);
  for (size_t i = 0; i < n; ++i) pieces[i] = gguf_get_arr_str(in, tokens_id, i);

  std::vector<int32_t> types;
  if (types_id >= 0 && gguf_get_arr_type(in, types_id) == GGUF_TYPE_INT32 && gguf_get_arr_n(in, types_id) == n) {
    const auto* p = static_cast<const int32_t*>(gguf_get_arr_data(in, types_id));
    types.assign(p, p + n);
  }
  std::vector<float> scores;
  if (scores_id >= 0 && gguf_get_arr_type(in, scores_id) == GGUF_TYPE_FLOAT32 && gguf_get_arr_n(in, scores_id) == n) {
    const auto* p = static_cast<const float*>(gguf_get_arr_data(in, scores_id));
    scores.assign(p, p + n);
  }

  const std::vector<uint32_t> kept = select_vocab(pieces, types, keep_first);
  std::unordered_map<uint32_t, uint32_t> new_id;
  for (uint32_t i = 0; i < kept.size(); ++i) new_id[kept[i]] = i;

  // Everything under tokenizer.* other than the arrays rebuilt below is copied as is (model, pre,
  // add_bos_token, ...); *_token_id keys are remapped, and dropped if their token is gone.
  for (int64_t k = 0; k < gguf_get_n_kv(in); ++k) {
    const std::string key = gguf_get_key(in, k);
    if (key.rfind("tokenizer.", 0) != 0 || k == tokens_id || k == scores_id || k == types_id) continue;
    if (key == "tokenizer.ggml.merges") continue;  // BPE only; SentencePiece ranks by score
    const gguf_type type = gguf_get_kv_type(in, k);
    if (ends_with(key, "_token_id") && type == GGUF_TYPE_UINT32) {
      auto it = new_id.find(gguf_get_val_u32(in, k));
      if (it != new_id.end()) gguf_set_val_u32(meta, key.c_str(), it->second);
      continue;
    }
    switch (type) {
      case GGUF_TYPE_STRING:
        gguf_set_val_str(meta, key.c_str(), gguf_get_val_str(in, k));
        break;
      case GGUF_TYPE_BOOL:
        gguf_set_val_bool(meta, key.c_str(), gguf_get_val_bool(in, k));
        break;
      case GGUF_TYPE_UINT32:
        gguf_set_val_u32(meta, key.c_str(), gguf_get_val_u32(in, k));
        break;
      case GGUF_TYPE_INT32:
        gguf_set_val_i32(meta, key.c_str(), gguf_get_val_i32(in, k));
        break;
      case GGUF_TYPE_FLOAT32:
        gguf_set_val_f32(meta, key.c_str(), gguf_get_val_f32(in, k));
        break;
      default:
        break;  // nothing else appears in the vocab files we ship
    }
  }

  std::vector<const char*> out_pieces;
  std::vector<float> out_scores;
  std::vector<int32_t> out_types;
  for (uint32_t id : kept) {
    out_pieces.push_back(pieces[id].c_str());
    if (!scores.empty()) out_scores.push_back(scores[id]);
    if (!types.empty()) out_types.push_back(types[id]);
  }
  gguf_set_arr_str(meta, "tokenizer.ggml.tokens", out_pieces.data(), out_pieces.size());
  if (!out_scores.empty()) {
    gguf_set_arr_data(meta, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, out_scores.data(), out_scores.size());
  }
  if (!out_types.empty()) {
    gguf_set_arr_data(meta, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, out_types.data(), out_types.size());
  }
  return static_cast<uint32_t>(kept.size());
}

}  // namespace sy::engine
