// `switchyard model init`: the file it writes is a llama-architecture GGUF that llama.cpp loads
// with the hyperparameters asked for, a trimmed tokenizer that still round-trips English and
// Chinese, and a chat template llama.cpp recognizes.
#include "engine/model_init.h"

#include <gtest/gtest.h>
#include <llama.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/vocab_trim.h"

namespace sy::engine {
namespace {

namespace fs = std::filesystem;

void quiet_log(ggml_log_level level, const char* text, void*) {
  if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

struct ModelFree {
  void operator()(llama_model* m) const { llama_model_free(m); }
};
using ModelPtr = std::unique_ptr<llama_model, ModelFree>;

class ModelInitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();
  }
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("switchyard-model-init-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ModelInitOptions small(const std::string& name) const {
    ModelInitOptions o = default_model_init_options();
    o.out = (dir_ / name).string();
    o.hparams.n_layer = 1;
    o.hparams.n_embd = 32;
    o.hparams.n_head = 2;
    o.hparams.n_head_kv = 2;
    o.hparams.n_ff = 64;
    o.hparams.n_ctx = 128;
    return o;
  }

  static ModelPtr load(const std::string& path) {
    llama_model_params p = llama_model_default_params();
    return ModelPtr(llama_model_load_from_file(path.c_str(), p));
  }

  static std::string round_trip(const llama_vocab* vocab, const std::string& text) {
    std::vector<llama_token> tokens(text.size() + 8);
    const int n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), tokens.data(),
                                 static_cast<int32_t>(tokens.size()), /*add_special=*/false, /*parse_special=*/false);
    EXPECT_GT(n, 0);
    std::string out(text.size() * 2 + 16, '\0');
    const int len = llama_detokenize(vocab, tokens.data(), n, out.data(), static_cast<int32_t>(out.size()),
                                     /*remove_special=*/true, /*unparse_special=*/false);
    EXPECT_GE(len, 0);
    out.resize(static_cast<size_t>(std::max(len, 0)));
    return out;
  }

  fs::path dir_;
};

TEST_F(ModelInitTest, WritesAModelLlamaCppLoadsWithTheRequestedShape) {
  auto opts = small("m.gguf");
  auto hp = init_model(opts);
  ASSERT_TRUE(hp) << hp.error().message;

  ModelPtr model = load(opts.out);
  ASSERT_TRUE(model) << "llama.cpp could not load " << opts.out;
  EXPECT_EQ(llama_model_n_layer(model.get()), 1);
  EXPECT_EQ(llama_model_n_embd(model.get()), 32);
  EXPECT_EQ(llama_model_n_head(model.get()), 2);
  EXPECT_EQ(llama_model_n_head_kv(model.get()), 2);
  EXPECT_EQ(llama_model_n_ctx_train(model.get()), 128);

  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  EXPECT_EQ(llama_vocab_n_tokens(vocab), static_cast<int32_t>(hp->n_vocab));
  // The first 4096 SentencePiece ids plus the single-character pieces: far fewer than 32000.
  EXPECT_GT(hp->n_vocab, 4096u);
  EXPECT_LT(hp->n_vocab, 8000u);
  EXPECT_EQ(llama_vocab_bos(vocab), 1);
  EXPECT_EQ(llama_vocab_eos(vocab), 2);
  EXPECT_TRUE(llama_vocab_get_add_bos(vocab));
}

TEST_F(ModelInitTest, ChatTemplateIsRecognizedAndRendersOneUserTurn) {
  auto opts = small("m.gguf");
  ASSERT_TRUE(init_model(opts));
  ModelPtr model = load(opts.out);
  ASSERT_TRUE(model);
  const char* tmpl = llama_model_chat_template(model.get(), nullptr);
  ASSERT_NE(tmpl, nullptr);
  EXPECT_STREQ(tmpl, kDemoChatTemplate);

  const llama_chat_message msg{"user", "How do I reset my VPN token?"};
  std::string buf(256, '\0');
  const int n =
      llama_chat_apply_template(tmpl, &msg, 1, /*add_ass=*/true, buf.data(), static_cast<int32_t>(buf.size()));
  ASSERT_GT(n, 0) << "llama.cpp does not recognize the template";
  buf.resize(static_cast<size_t>(n));
  EXPECT_EQ(buf, "[INST] How do I reset my VPN token? [/INST]");
}

TEST_F(ModelInitTest, TrimmedTokenizerRoundTripsEnglishAndChinese) {
  auto opts = small("m.gguf");
  ASSERT_TRUE(init_model(opts));
  ModelPtr model = load(opts.out);
  ASSERT_TRUE(model);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  // SentencePiece adds a leading space to a text it starts on; detokenizing strips it again.
  EXPECT_EQ(round_trip(vocab, "Hello world"), "Hello world");
  EXPECT_EQ(round_trip(vocab, "請到IT自助服務頁移除舊手機，再用新手機掃描QR碼。"),
            "請到IT自助服務頁移除舊手機，再用新手機掃描QR碼。");
  EXPECT_EQ(round_trip(vocab, "Expense Hub: 30 days, NT$1,500 (receipts)."),
            "Expense Hub: 30 days, NT$1,500 (receipts).");

  // The lone "▁" survives the trim: it is how SentencePiece marks a space before a character
  // that has no "▁x" piece (most Chinese), and without it the space would be lost.
  bool lone_space = false;
  for (llama_token t = 0; t < llama_vocab_n_tokens(vocab); ++t) {
    if (std::string(llama_vocab_get_text(vocab, t)) == "\xE2\x96\x81") lone_space = true;
  }
  EXPECT_TRUE(lone_space);
  EXPECT_EQ(round_trip(vocab, "VPN 帳號"), "VPN 帳號");
}

TEST_F(ModelInitTest, SameSeedSameBytesOtherSeedOtherWeights) {
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto a = small("a.gguf");
  auto b = small("b.gguf");
  auto c = small("c.gguf");
  c.seed = a.seed + 1;
  ASSERT_TRUE(init_model(a));
  ASSERT_TRUE(init_model(b));
  ASSERT_TRUE(init_model(c));
  EXPECT_EQ(read(a.out), read(b.out));
  EXPECT_NE(read(a.out), read(c.out));
}

TEST_F(ModelInitTest, TiedEmbeddingsOmitTheOutputProjectionAndStillLoad) {
  auto opts = small("tied.gguf");
  opts.tie_embeddings = true;
  ASSERT_TRUE(init_model(opts));
  ModelPtr model = load(opts.out);
  EXPECT_TRUE(model) << "llama.cpp falls back to token_embd when output.weight is missing";
}

TEST_F(ModelInitTest, RejectsShapesTheArchitectureCannotHave) {
  auto opts = small("bad.gguf");
  opts.hparams.n_head = 3;  // 32 is not a multiple of 3
  EXPECT_FALSE(init_model(opts));
  EXPECT_FALSE(fs::exists(opts.out));
  auto missing = small("missing.gguf");
  missing.vocab_file = (dir_ / "no-such-vocab.gguf").string();
  EXPECT_FALSE(init_model(missing));
}

TEST(SelectVocab, KeepsTheHeadSingleCharactersAndSpecialTokens) {
  const std::vector<std::string> pieces = {"<unk>", "<s>", "</s>",  "▁the", "ing",  "▁",
                                           "é",     "請",  "▁請求", "ab",   "<ctl>"};
  const std::vector<int32_t> types = {2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 3};
  const auto kept = select_vocab(pieces, types, 4);
  EXPECT_EQ(kept, (std::vector<uint32_t>{0, 1, 2, 3, 5, 6, 7, 10}));
}

}  // namespace
}  // namespace sy::engine
