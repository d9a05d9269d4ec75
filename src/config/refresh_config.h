#pragma once
// The YAML that drives `switchyard refresh` (eval/refresh_command): which local model to retrain
// on which data, how, what evaluation gates the new version, and how its canary runs.
//   refresh:
//     model: faq-local
//     data: ../data/faq/faq.jsonl          # question/answer JSON lines, as `switchyard train` reads
//     train: {epochs: 8, lr: 0.001, warmup: 2, out_dir: ../var/models}
//     eval: {dataset: ../data/eval/faq.jsonl, min_score: 0.85, max_regression: 0.02}
//     canary: {percent: 20, min_requests: 50, min_duration: 1m, max_duration: 30m, interval: 5s}
// Relative paths are read from the YAML's folder.
#include <cstdint>
#include <string>

#include "core/result.h"

namespace sy::config {

struct RefreshConfig {
  std::string file;
  std::string model;
  std::string data;
  // Training starts from the production version's weights (a fine-tune, minutes) unless `from`
  // names a GGUF file.
  std::string train_from;
  int train_epochs = 20;
  double train_lr = 1e-3;
  int train_warmup = 2;
  int train_threads = 2;
  std::string out_dir;                // where the new GGUF goes; default: beside the production file
  std::string eval_dataset;           // default: the model's gate dataset in the server's config
  double eval_min_score = -1;         // < 0: the gate's
  double eval_max_regression = -1;    // < 0: the gate's
  double eval_max_p95_latency_ms = 0;
  int eval_concurrency = 4;
  double canary_percent = 20;
  int64_t canary_min_requests = 50;
  std::string canary_min_duration = "1m";
  std::string canary_max_duration = "30m";
  std::string canary_interval = "5s";
  std::string state;                  // the progress file; default: FILE.state.json beside the YAML
};

core::Result<RefreshConfig> load_refresh_file(const std::string& path);

}  // namespace sy::config
