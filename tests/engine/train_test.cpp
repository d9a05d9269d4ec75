// `switchyard train`: its graph computes what llama.cpp computes at inference on the same weights,
// packing samples into shared rows changes nothing, training lowers the loss, and what it writes
// is a model llama.cpp loads (chat template included) with a record whose hashes are right.
#include <ggml-alloc.h>
#include <ggml-backend.h>
#include <ggml-cpu.h>
#include <gtest/gtest.h>
#include <llama.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/model_init.h"
#include "engine/train/batch.h"
#include "engine/train/dataset.h"
#include "engine/train/forward.h"
#include "engine/train/graph.h"
#include "engine/train/model_weights.h"
#include "engine/train/record.h"
#include "engine/train/train_command.h"

namespace sy::engine::train {
namespace {

namespace fs = std::filesystem;

void quiet_log(ggml_log_level level, const char* text, void*) {
  if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

struct ModelFree {
  void operator()(llama_model* m) const { llama_model_free(m); }
};
struct ContextFree {
  void operator()(llama_context* c) const { llama_free(c); }
};
using ModelPtr = std::unique_ptr<llama_model, ModelFree>;
using ContextPtr = std::unique_ptr<llama_context, ContextFree>;

const std::vector<QaPair> kPairs = {
    {"How many days of annual leave do I get?", "Full-time staff receive 15 days of annual leave per year."},
    {"VPN連不上怎麼辦？", "請先重新登入公司帳號，再重新啟動VPN程式。"},
    {"Where do I submit expenses?", "Submit receipts in Expense Hub within 30 days of purchase."},
};

class TrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();
  }
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("switchyard-train-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string init(const std::string& name, uint32_t layers, uint32_t embd, uint32_t heads, float init_std) {
    ModelInitOptions o = default_model_init_options();
    o.out = (dir_ / name).string();
    o.hparams.n_layer = layers;
    o.hparams.n_embd = embd;
    o.hparams.n_head = heads;
    o.hparams.n_head_kv = heads;
    o.hparams.n_ff = embd * 2;
    o.hparams.n_ctx = 128;
    o.init_std = init_std;
    auto hp = init_model(o);
    EXPECT_TRUE(hp) << hp.error().message;
    return o.out;
  }

  std::string write_data() {
    const std::string path = (dir_ / "faq.jsonl").string();
    std::ofstream out(path);
    for (const QaPair& p : kPairs) {
      out << boost::json::serialize(boost::json::object{{"question", p.question}, {"answer", p.answer}}) << "\n";
    }
    return path;
  }

  static ModelPtr load(const std::string& path) {
    return ModelPtr(llama_model_load_from_file(path.c_str(), llama_model_default_params()));
  }

  fs::path dir_;
};

// Logits for every position of `tokens`, from llama.cpp's own inference graph. The KV cache is
// kept in F32 and flash attention off, so the only differences left are summation order.
std::vector<float> llama_cpp_logits(llama_model* model, const std::vector<int32_t>& tokens) {
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = 128;
  cp.n_batch = 128;
  cp.n_ubatch = 128;
  cp.n_threads = 2;
  cp.n_threads_batch = 2;
  cp.type_k = GGML_TYPE_F32;
  cp.type_v = GGML_TYPE_F32;
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  ContextPtr ctx(llama_init_from_model(model, cp));
  EXPECT_TRUE(ctx);
  llama_batch batch = llama_batch_init(static_cast<int32_t>(tokens.size()), 0, 1);
  for (size_t i = 0; i < tokens.size(); ++i) {
    batch.token[i] = tokens[i];
    batch.pos[i] = static_cast<llama_pos>(i);
    batch.n_seq_id[i] = 1;
    batch.seq_id[i][0] = 0;
    batch.logits[i] = 1;
  }
  batch.n_tokens = static_cast<int32_t>(tokens.size());
  EXPECT_EQ(llama_decode(ctx.get(), batch), 0);
  const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
  std::vector<float> out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const float* row = llama_get_logits_ith(ctx.get(), static_cast<int32_t>(i));
    out.insert(out.end(), row, row + n_vocab);
  }
  llama_batch_free(batch);
  return out;
}

// Greedy decoding the way the engine does it: the model's chat template, BOS from the vocab,
// argmax until an end-of-generation token.
std::string greedy_answer(llama_model* model, const std::string& question) {
  auto prompt = render_prompt(model, question);
  EXPECT_TRUE(prompt);
  std::vector<int32_t> tokens = tokenize(model, *prompt, true, true);
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = 128;
  cp.n_threads = 2;
  cp.n_threads_batch = 2;
  ContextPtr ctx(llama_init_from_model(model, cp));
  const llama_vocab* vocab = llama_model_get_vocab(model);
  const int n_vocab = llama_vocab_n_tokens(vocab);
  std::string text;
  llama_batch batch = llama_batch_get_one(tokens.data(), static_cast<int32_t>(tokens.size()));
  llama_token next = 0;
  for (int i = 0; i < 100; ++i) {
    if (llama_decode(ctx.get(), batch) != 0) break;
    const float* logits = llama_get_logits_ith(ctx.get(), -1);
    next = static_cast<llama_token>(std::max_element(logits, logits + n_vocab) - logits);
    if (llama_vocab_is_eog(vocab, next)) break;
    char piece[64];
    const int n = llama_token_to_piece(vocab, next, piece, sizeof(piece), 0, false);
    text.append(piece, static_cast<size_t>(std::max(n, 0)));
    batch = llama_batch_get_one(&next, 1);
  }
  return text;
}

TEST_F(TrainTest, ForwardPassMatchesLlamaCppInferenceOnTheSameWeights) {
  // Wide initial weights, so the logits spread out and a mismatch anywhere in the graph shows.
  const std::string path = init("fwd.gguf", 2, 64, 4, 0.3f);
  auto w = load_weights(path);
  ASSERT_TRUE(w) << w.error().message;
  ModelPtr model = load(path);
  ASSERT_TRUE(model);
  auto prompt = render_prompt(model.get(), kPairs[0].question);
  ASSERT_TRUE(prompt);
  const std::vector<int32_t> tokens = tokenize(model.get(), *prompt + kPairs[0].answer, true, true);
  ASSERT_GT(tokens.size(), 20u);

  auto ours = forward_logits(*w, tokens, 2);
  ASSERT_TRUE(ours) << ours.error().message;
  const std::vector<float> theirs = llama_cpp_logits(model.get(), tokens);
  ASSERT_EQ(ours->size(), theirs.size());
  double max_diff = 0.0;
  double max_abs = 0.0;
  for (size_t i = 0; i < theirs.size(); ++i) {
    max_diff = std::max(max_diff, static_cast<double>(std::fabs((*ours)[i] - theirs[i])));
    max_abs = std::max(max_abs, static_cast<double>(std::fabs(theirs[i])));
  }
  EXPECT_GT(max_abs, 1.0) << "logits too flat for the comparison to mean anything";
  EXPECT_LT(max_diff, 1e-3) << "the training graph differs from llama.cpp's llama architecture";
}

TEST_F(TrainTest, PackedSamplesSeeOnlyThemselves) {
  const std::string path = init("pack.gguf", 1, 32, 2, 0.3f);
  auto w = load_weights(path);
  ASSERT_TRUE(w);
  // Two samples in one row, a third in a second row with padding after it.
  std::vector<Sample> samples(3);
  for (size_t s = 0; s < samples.size(); ++s) {
    for (int i = 0; i < 9 + 3 * static_cast<int>(s); ++i)
      samples[s].tokens.push_back(1 + 53 * i + 7 * static_cast<int>(s));
    samples[s].prompt_len = 2;
  }
  const BatchShape shape{32, 2, 40};
  Step step;
  step.placements = {{0, 0, 0}, {1, 0, 9}, {2, 1, 0}};
  for (const Sample& s : samples) step.targets += static_cast<uint32_t>(s.answer_len());
  StepInputs host;
  fill_step(samples, step, shape, w->hp.n_vocab, host);

  ggml_init_params params{graph_context_size(w->hp.n_layer), nullptr, true};
  ggml_context_ptr ctx(ggml_init(params));
  GraphInputs in = new_graph_inputs(ctx.get(), shape);
  ggml_tensor* logits = build_forward(ctx.get(), *w, in, shape);
  ggml_set_output(logits);
  ggml_cgraph* gf = ggml_new_graph(ctx.get());
  ggml_build_forward_expand(gf, logits);
  ggml_gallocr_ptr alloc(ggml_gallocr_new(ggml_backend_cpu_buffer_type()));
  ASSERT_TRUE(ggml_gallocr_alloc_graph(alloc.get(), gf));
  ggml_backend_tensor_set(in.tokens, host.tokens.data(), 0, ggml_nbytes(in.tokens));
  ggml_backend_tensor_set(in.positions, host.positions.data(), 0, ggml_nbytes(in.positions));
  ggml_backend_tensor_set(in.mask, host.mask.data(), 0, ggml_nbytes(in.mask));
  ggml_backend_tensor_set(in.target_at, host.target_at.data(), 0, ggml_nbytes(in.target_at));
  ggml_backend_tensor_set(in.target_weight, host.target_weight.data(), 0, ggml_nbytes(in.target_weight));
  ggml_backend_ptr backend(ggml_backend_cpu_init());
  ASSERT_EQ(ggml_backend_graph_compute(backend.get(), gf), GGML_STATUS_SUCCESS);
  std::vector<float> packed(ggml_nelements(logits));
  ggml_backend_tensor_get(logits, packed.data(), 0, ggml_nbytes(logits));

  const uint32_t V = w->hp.n_vocab;
  size_t slot = 0;
  double max_diff = 0.0;
  for (const Sample& s : samples) {
    auto alone = forward_logits(*w, s.tokens, 1);
    ASSERT_TRUE(alone);
    for (size_t pos = s.prompt_len - 1; pos + 1 < s.tokens.size(); ++pos, ++slot) {
      for (uint32_t v = 0; v < V; ++v) {
        max_diff = std::max(max_diff, static_cast<double>(std::fabs(packed[slot * V + v] - (*alone)[pos * V + v])));
      }
    }
  }
  EXPECT_EQ(slot, host.n_targets);
  EXPECT_LT(max_diff, 1e-4);
  // Unused target slots are zeroed, so they carry no gradient.
  for (size_t i = slot * V; i < packed.size(); ++i) ASSERT_EQ(packed[i], 0.0f);
}

TEST_F(TrainTest, TrainingLowersTheLossAndWritesALoadableModelWithItsRecord) {
  TrainOptions opts;
  opts.model = init("in.gguf", 1, 32, 2, 0.02f);
  opts.data = write_data();
  opts.out = (dir_ / "out.gguf").string();
  opts.config.epochs = 8;
  opts.config.lr = 5e-3f;
  opts.config.warmup_steps = 2;
  opts.config.batch = 2;
  opts.config.stop_when_exact = false;
  auto r = train_and_write(opts);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->report.epochs.size(), 8u);
  EXPECT_LT(r->report.epochs.back().loss, r->report.epochs.front().loss * 0.8);
  EXPECT_EQ(r->samples, 3u);

  ModelPtr model = load(opts.out);
  ASSERT_TRUE(model) << "llama.cpp could not load the trained model";
  const char* tmpl = llama_model_chat_template(model.get(), nullptr);
  ASSERT_NE(tmpl, nullptr) << "the chat template must survive training";
  EXPECT_STREQ(tmpl, kDemoChatTemplate);
  EXPECT_EQ(llama_model_n_embd(model.get()), 32);

  std::ifstream in(opts.out + ".json");
  ASSERT_TRUE(in) << "no metadata record next to the model";
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto record = boost::json::parse(text).as_object();
  EXPECT_EQ(record["model_out"].as_object()["sha256"].as_string(), *sha256_file(opts.out));
  EXPECT_EQ(record["data"].as_object()["sha256"].as_string(), *sha256_file(opts.data));
  EXPECT_EQ(record["data"].as_object()["samples"].to_number<int>(), 3);
  EXPECT_EQ(record["loss_per_epoch"].as_array().size(), 8u);
  EXPECT_EQ(record["training"].as_object()["epochs"].to_number<int>(), 8);
  EXPECT_GT(record["training"].as_object()["steps"].to_number<int>(), 8);
  EXPECT_EQ(record["hparams"].as_object()["n_layer"].to_number<int>(), 1);
}

TEST_F(TrainTest, TrainedModelReproducesItsAnswersThroughLlamaCpp) {
  TrainOptions opts;
  opts.model = init("in.gguf", 1, 64, 2, 0.02f);
  opts.data = write_data();
  opts.out = (dir_ / "out.gguf").string();
  opts.config.epochs = 150;
  opts.config.lr = 5e-3f;
  opts.config.warmup_steps = 5;
  opts.config.batch = 1;
  auto r = train_and_write(opts);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->report.exact) << "training stopped without predicting every answer token";
  EXPECT_LT(r->report.epochs.size(), 150u) << "expected an early stop";

  ModelPtr model = load(opts.out);
  ASSERT_TRUE(model);
  for (const QaPair& p : kPairs) EXPECT_EQ(greedy_answer(model.get(), p.question), p.answer);
}

TEST_F(TrainTest, RejectsDataWithoutQuestionAndAnswer) {
  const std::string path = (dir_ / "bad.jsonl").string();
  std::ofstream(path) << "{\"question\": \"only a question\"}\n";
  auto pairs = read_qa_jsonl(path);
  ASSERT_FALSE(pairs);
  EXPECT_NE(pairs.error().message.find(":1"), std::string::npos) << pairs.error().message;
}

}  // namespace
}  // namespace sy::engine::train
