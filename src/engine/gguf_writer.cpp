#include "engine/gguf_writer.h"

#include <ggml-cpp.h>
#include <ggml.h>
#include <gguf.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

namespace sy::engine {
namespace {

constexpr uint32_t kFileTypeAllF32 = 0;  // LLAMA_FTYPE_ALL_F32

std::string llama_key(const char* suffix) { return std::string("llama.") + suffix; }

// gguf_get_val_* assert on a type mismatch, so every read checks the type first and turns a
// malformed file into an error instead of an abort.
core::Result<uint32_t> get_u32(const gguf_context* meta, const std::string& key) {
  const int64_t id = gguf_find_key(meta, key.c_str());
  if (id < 0) return core::Error::invalid_request("model file has no " + key);
  switch (gguf_get_kv_type(meta, id)) {
    case GGUF_TYPE_UINT32:
      return gguf_get_val_u32(meta, id);
    case GGUF_TYPE_INT32:
      return static_cast<uint32_t>(gguf_get_val_i32(meta, id));
    case GGUF_TYPE_UINT64:
      return static_cast<uint32_t>(gguf_get_val_u64(meta, id));
    default:
      return core::Error::invalid_request(key + " is not an integer");
  }
}

float get_f32_or(const gguf_context* meta, const std::string& key, float fallback) {
  const int64_t id = gguf_find_key(meta, key.c_str());
  if (id < 0 || gguf_get_kv_type(meta, id) != GGUF_TYPE_FLOAT32) return fallback;
  return gguf_get_val_f32(meta, id);
}

}  // namespace

std::string block_tensor_name(uint32_t layer, const char* what) {
  return "blk." + std::to_string(layer) + "." + what + ".weight";
}

std::vector<TensorSpec> llama_tensor_specs(const LlamaHparams& hp, bool tied) {
  using Init = TensorSpec::Init;
  const int64_t embd = hp.n_embd, kv = hp.n_embd_kv(), ff = hp.n_ff, vocab = hp.n_vocab;
  std::vector<TensorSpec> specs;
  specs.push_back({kTokenEmbd, embd, vocab, Init::embedding});
  for (uint32_t l = 0; l < hp.n_layer; ++l) {
    specs.push_back({block_tensor_name(l, "attn_norm"), embd, 1, Init::ones});
    specs.push_back({block_tensor_name(l, "attn_q"), embd, embd, Init::projection});
    specs.push_back({block_tensor_name(l, "attn_k"), embd, kv, Init::projection});
    specs.push_back({block_tensor_name(l, "attn_v"), embd, kv, Init::projection});
    specs.push_back({block_tensor_name(l, "attn_output"), embd, embd, Init::residual_projection});
    specs.push_back({block_tensor_name(l, "ffn_norm"), embd, 1, Init::ones});
    specs.push_back({block_tensor_name(l, "ffn_gate"), embd, ff, Init::projection});
    specs.push_back({block_tensor_name(l, "ffn_up"), embd, ff, Init::projection});
    specs.push_back({block_tensor_name(l, "ffn_down"), ff, embd, Init::residual_projection});
  }
  specs.push_back({kOutputNorm, embd, 1, Init::ones});
  if (!tied) specs.push_back({kOutput, embd, vocab, Init::projection});
  return specs;
}

void set_llama_hparams(gguf_context* meta, const LlamaHparams& hp) {
  gguf_set_val_str(meta, "general.architecture", "llama");
  gguf_set_val_str(meta, "general.name", hp.name.c_str());
  gguf_set_val_u32(meta, "general.file_type", kFileTypeAllF32);
  gguf_set_val_u32(meta, llama_key("vocab_size").c_str(), hp.n_vocab);
  gguf_set_val_u32(meta, llama_key("context_length").c_str(), hp.n_ctx);
  gguf_set_val_u32(meta, llama_key("embedding_length").c_str(), hp.n_embd);
  gguf_set_val_u32(meta, llama_key("block_count").c_str(), hp.n_layer);
  gguf_set_val_u32(meta, llama_key("feed_forward_length").c_str(), hp.n_ff);
  gguf_set_val_u32(meta, llama_key("attention.head_count").c_str(), hp.n_head);
  gguf_set_val_u32(meta, llama_key("attention.head_count_kv").c_str(), hp.n_head_kv);
  gguf_set_val_u32(meta, llama_key("rope.dimension_count").c_str(), hp.head_dim());
  gguf_set_val_f32(meta, llama_key("rope.freq_base").c_str(), hp.rope_freq_base);
  gguf_set_val_f32(meta, llama_key("attention.layer_norm_rms_epsilon").c_str(), hp.rms_eps);
}

core::Result<LlamaHparams> read_llama_hparams(const gguf_context* meta) {
  const int64_t arch = gguf_find_key(meta, "general.architecture");
  if (arch < 0 || gguf_get_kv_type(meta, arch) != GGUF_TYPE_STRING ||
      std::string(gguf_get_val_str(meta, arch)) != "llama") {
    return core::Error::invalid_request("model file is not a llama-architecture GGUF");
  }
  LlamaHparams hp;
  const int64_t name = gguf_find_key(meta, "general.name");
  if (name >= 0 && gguf_get_kv_type(meta, name) == GGUF_TYPE_STRING) hp.name = gguf_get_val_str(meta, name);

  struct Field {
    const char* key;
    uint32_t* out;
  };
  for (const Field& f :
       {Field{"context_length", &hp.n_ctx}, Field{"embedding_length", &hp.n_embd}, Field{"block_count", &hp.n_layer},
        Field{"feed_forward_length", &hp.n_ff}, Field{"attention.head_count", &hp.n_head}}) {
    auto v = get_u32(meta, llama_key(f.key));
    if (!v) return v.error();
    *f.out = *v;
  }
  auto kv = get_u32(meta, llama_key("attention.head_count_kv"));
  hp.n_head_kv = kv ? *kv : hp.n_head;
  // Older files have no vocab_size key; the token list is authoritative anyway.
  auto vocab = get_u32(meta, llama_key("vocab_size"));
  if (vocab) {
    hp.n_vocab = *vocab;
  } else {
    const int64_t tokens = gguf_find_key(meta, "tokenizer.ggml.tokens");
    if (tokens < 0) return core::Error::invalid_request("model file has no tokenizer.ggml.tokens");
    hp.n_vocab = static_cast<uint32_t>(gguf_get_arr_n(meta, tokens));
  }
  hp.rope_freq_base = get_f32_or(meta, llama_key("rope.freq_base"), 10000.0f);
  hp.rms_eps = get_f32_or(meta, llama_key("attention.layer_norm_rms_epsilon"), 1e-5f);

  if (hp.n_head == 0 || hp.n_embd % hp.n_head != 0) {
    return core::Error::invalid_request("embedding_length is not a multiple of head_count");
  }
  if (hp.n_head_kv == 0 || hp.n_head % hp.n_head_kv != 0) {
    return core::Error::invalid_request("head_count is not a multiple of head_count_kv");
  }
  auto rot = get_u32(meta, llama_key("rope.dimension_count"));
  if (rot && *rot != hp.head_dim()) {
    return core::Error::invalid_request(
        "partial rotary embeddings (rope.dimension_count != head size) are not supported");
  }
  return hp;
}

core::Status write_gguf(const std::string& path, const gguf_context* meta,
                        const std::vector<const ggml_tensor*>& tensors) {
  gguf_context_ptr out(gguf_init_empty());
  gguf_set_kv(out.get(), meta);
  for (const ggml_tensor* t : tensors) {
    if (t->type != GGML_TYPE_F32 || t->data == nullptr) {
      return core::Error::internal(std::string("tensor ") + t->name + " is not F32 in host memory");
    }
    gguf_add_tensor(out.get(), t);
  }

  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  const std::string tmp = path + ".tmp";
  if (!gguf_write_to_file(out.get(), tmp.c_str(), /*only_meta=*/false)) {
    std::remove(tmp.c_str());
    return core::Error::internal("cannot write " + tmp);
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return core::Error::internal("cannot rename " + tmp + " to " + path + ": " + ec.message());
  }
  return core::Ok{};
}

}  // namespace sy::engine
