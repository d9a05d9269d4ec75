#include "engine/train/model_weights.h"

#include <ggml-backend.h>
#include <ggml-cpu.h>
#include <gguf.h>

#include <map>

namespace sy::engine::train {

core::Result<ModelWeights> load_weights(const std::string& path) {
  ggml_context* data_ctx_raw = nullptr;
  gguf_init_params params{/*no_alloc=*/false, /*ctx=*/&data_ctx_raw};
  gguf_context_ptr meta(gguf_init_from_file(path.c_str(), params));
  ggml_context_ptr data_ctx(data_ctx_raw);
  if (!meta) return core::Error::invalid_request("cannot read model file " + path);

  ModelWeights w;
  auto hp = read_llama_hparams(meta.get());
  if (!hp) return hp.error();
  w.hp = *hp;
  w.meta = std::move(meta);

  const bool tied = ggml_get_tensor(data_ctx.get(), kOutput) == nullptr;
  const std::vector<TensorSpec> specs = llama_tensor_specs(w.hp, tied);
  ggml_init_params ctx_params{/*mem_size=*/(specs.size() + 1) * ggml_tensor_overhead(), /*mem_buffer=*/nullptr,
                              /*no_alloc=*/true};
  w.ctx.reset(ggml_init(ctx_params));

  std::map<std::string, ggml_tensor*> by_name;
  for (const TensorSpec& s : specs) {
    const ggml_tensor* src = ggml_get_tensor(data_ctx.get(), s.name.c_str());
    if (!src) return core::Error::invalid_request(path + " has no tensor " + s.name);
    if (src->type != GGML_TYPE_F32) {
      return core::Error::invalid_request(s.name + " is " + ggml_type_name(src->type) + "; training needs F32 weights");
    }
    if (src->ne[0] != s.ne0 || src->ne[1] != s.ne1) {
      return core::Error::invalid_request(s.name + " does not have the shape the hyperparameters give");
    }
    ggml_tensor* t = s.ne1 == 1 ? ggml_new_tensor_1d(w.ctx.get(), GGML_TYPE_F32, s.ne0)
                                : ggml_new_tensor_2d(w.ctx.get(), GGML_TYPE_F32, s.ne0, s.ne1);
    ggml_set_name(t, s.name.c_str());
    by_name[s.name] = t;
    w.all.push_back(t);
  }
  w.buffer.reset(ggml_backend_alloc_ctx_tensors_from_buft(w.ctx.get(), ggml_backend_cpu_buffer_type()));
  if (!w.buffer) return core::Error::internal("out of memory for the model weights");
  for (const TensorSpec& s : specs) {
    const ggml_tensor* src = ggml_get_tensor(data_ctx.get(), s.name.c_str());
    ggml_backend_tensor_set(by_name[s.name], src->data, 0, ggml_nbytes(src));
  }

  w.tok_embd = by_name[kTokenEmbd];
  w.output_norm = by_name[kOutputNorm];
  w.output = tied ? nullptr : by_name[kOutput];
  for (uint32_t l = 0; l < w.hp.n_layer; ++l) {
    auto get = [&](const char* what) { return by_name[block_tensor_name(l, what)]; };
    w.layers.push_back({get("attn_norm"), get("attn_q"), get("attn_k"), get("attn_v"), get("attn_output"),
                        get("ffn_norm"), get("ffn_gate"), get("ffn_up"), get("ffn_down")});
  }
  return w;
}

void set_params(ModelWeights& w) {
  for (ggml_tensor* t : w.all) ggml_set_param(t);
}

}  // namespace sy::engine::train
