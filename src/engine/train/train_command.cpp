#include "engine/train/train_command.h"

#include <gguf.h>
#include <llama.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "engine/train/dataset.h"
#include "engine/train/model_weights.h"
#include "engine/train/record.h"

namespace sy::engine::train {
namespace {

void quiet_log(ggml_log_level level, const char* text, void*) {
  if (level == GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
}

struct ModelDeleter {
  void operator()(llama_model* m) const { llama_model_free(m); }
};

// A bar redrawn in place on a terminal; in a log, only the per-epoch lines.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(uint32_t epochs) : epochs_(epochs), tty_(isatty(STDERR_FILENO) != 0) {}

  void step(uint32_t epoch, uint32_t step, uint32_t n_steps, double loss) const {
    if (!tty_) return;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * step / std::max<uint32_t>(1, n_steps));
    std::fprintf(stderr, "\r  epoch %u/%u [%.*s%*s] step %u/%u loss %.4f ", epoch, epochs_, filled,
                 "##############################", kWidth - filled, "", step, n_steps, loss);
    std::fflush(stderr);
  }
  void check(const EvalResult& r) const {
    std::fprintf(stderr, "  check: loss %.4f, answer tokens right %.1f%%, smallest margin %.2f\n", r.loss,
                 100.0 * r.accuracy, r.min_margin);
  }
  void epoch(const EpochStats& e) const {
    std::fprintf(stderr, "%sepoch %u/%u: loss %.4f, answer tokens right %.1f%%, %.1fs\n", tty_ ? "\r\033[K" : "",
                 e.epoch, epochs_, e.loss, 100.0 * e.accuracy, e.seconds);
  }

 private:
  uint32_t epochs_;
  bool tty_;
};

}  // namespace

void add_train_options(CLI::App& cmd, TrainOptions& opts) {
  TrainConfig& c = opts.config;
  cmd.add_option("--model", opts.model, "GGUF to start from (e.g. from `switchyard model init`)")->required();
  cmd.add_option("--data", opts.data, "JSON lines with question and answer fields")->required();
  cmd.add_option("--out", opts.out, "GGUF to write; its metadata record goes to OUT.json")->required();
  cmd.add_option("--epochs", c.epochs, "Most passes over the data")->capture_default_str();
  cmd.add_option("--lr", c.lr, "Peak learning rate (AdamW)")->capture_default_str();
  cmd.add_option("--lr-min", c.lr_min_ratio, "Final learning rate, as a fraction of --lr")->capture_default_str();
  cmd.add_option("--warmup", c.warmup_steps, "Warmup steps")->capture_default_str();
  cmd.add_option("--batch", c.batch, "Samples per optimizer step")->capture_default_str();
  cmd.add_option("--seed", c.seed, "Random seed (data order)")->capture_default_str();
  cmd.add_option("--threads", c.threads, "CPU threads")->capture_default_str();
  cmd.add_option("--beta2", c.beta2, "AdamW beta2")->capture_default_str();
  cmd.add_option("--weight-decay", c.weight_decay, "AdamW weight decay")->capture_default_str();
  cmd.add_option("--stop-margin", c.stop_margin, "Stop once every answer token leads the runner-up by this many logits")
      ->capture_default_str();
  cmd.add_flag("!--no-early-stop", c.stop_when_exact, "Run all epochs even once every answer is reproduced");
  cmd.add_flag("--quiet", opts.quiet, "No progress output");
}

core::Result<TrainRecord> train_and_write(const TrainOptions& opts, const TrainProgress& progress) {
  llama_log_set(quiet_log, nullptr);  // llama.cpp's loader talks a lot; only its errors matter here
  llama_backend_init();
  auto data_sha = sha256_file(opts.data);
  if (!data_sha) return data_sha.error();
  auto model_in_sha = sha256_file(opts.model);
  if (!model_in_sha) return model_in_sha.error();
  auto pairs = read_qa_jsonl(opts.data);
  if (!pairs) return pairs.error();

  auto weights = load_weights(opts.model);
  if (!weights) return weights.error();
  ModelWeights& w = *weights;

  std::vector<Sample> samples;
  {
    llama_model_params mp = llama_model_default_params();
    mp.vocab_only = true;
    std::unique_ptr<llama_model, ModelDeleter> vocab(llama_model_load_from_file(opts.model.c_str(), mp));
    if (!vocab) return core::Error::invalid_request("llama.cpp cannot load " + opts.model);
    auto made = make_samples(vocab.get(), *pairs, w.hp.n_ctx);
    if (!made) return made.error();
    samples = std::move(*made);
  }

  auto report = train_model(w, samples, opts.config, progress);
  if (!report) return report.error();

  // The output is the input file with new weights: every key/value copied (tokenizer and chat
  // template included), plus where the weights came from.
  gguf_context_ptr meta(gguf_init_empty());
  gguf_set_kv(meta.get(), w.meta.get());
  gguf_set_val_str(meta.get(), "switchyard.train.data_sha256", data_sha->c_str());
  gguf_set_val_u32(meta.get(), "switchyard.train.samples", static_cast<uint32_t>(samples.size()));
  gguf_set_val_u32(meta.get(), "switchyard.train.epochs", static_cast<uint32_t>(report->epochs.size()));
  std::vector<const ggml_tensor*> tensors(w.all.begin(), w.all.end());
  if (auto s = write_gguf(opts.out, meta.get(), tensors); !s) return s.error();

  TrainRecord r;
  r.model_in = opts.model;
  r.model_in_sha256 = *model_in_sha;
  r.data_file = opts.data;
  r.data_sha256 = *data_sha;
  r.samples = samples.size();
  for (const Sample& s : samples) r.target_tokens += s.answer_len();
  r.model_out = std::filesystem::path(opts.out).filename().string();  // the record sits next to it
  auto out_sha = sha256_file(opts.out);
  if (!out_sha) return out_sha.error();
  r.model_sha256 = *out_sha;
  r.hparams = w.hp;
  r.tied_embeddings = w.output == nullptr;
  r.config = opts.config;
  r.report = std::move(*report);
  if (auto s = write_record(opts.out + ".json", r); !s) return s.error();
  return r;
}

int run_train_command(const TrainOptions& opts) {
  ProgressPrinter printer(opts.config.epochs);
  TrainProgress progress;
  if (!opts.quiet) {
    progress.on_step = [&](uint32_t e, uint32_t s, uint32_t n, double loss) { printer.step(e, s, n, loss); };
    progress.on_epoch = [&](const EpochStats& e) { printer.epoch(e); };
    progress.on_check = [&](const EvalResult& r) { printer.check(r); };
  }
  auto r = train_and_write(opts, progress);
  if (!r) {
    std::fprintf(stderr, "switchyard train: %s\n", r.error().message.c_str());
    return 1;
  }
  std::fprintf(
      stderr, "wrote %s (%zu samples, %zu epochs, %llu steps, final loss %.4f, smallest margin %.2f: %s, %.1fs)\n",
      opts.out.c_str(), r->samples, r->report.epochs.size(), static_cast<unsigned long long>(r->report.steps),
      r->report.final_loss, r->report.min_margin,
      r->report.exact ? "every answer token predicted" : "NOT every answer token predicted", r->report.seconds);
  return 0;
}

}  // namespace sy::engine::train
