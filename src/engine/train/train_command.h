#pragma once
// `switchyard train --model IN.gguf --data FAQ.jsonl --out OUT.gguf`: the first step of the
// refresh pipeline. Trains every weight of a llama-architecture model on question/answer pairs and
// writes OUT.gguf (the input's metadata, chat template included, with the new weights) and
// OUT.gguf.json (the metadata record).
#include <string>

#include "engine/train/record.h"
#include "engine/train/trainer.h"

namespace CLI {
class App;
}

namespace sy::engine::train {

struct TrainOptions {
  std::string model;
  std::string data;
  std::string out;
  TrainConfig config;
  bool quiet = false;  // no progress output
};

void add_train_options(CLI::App& cmd, TrainOptions& opts);

// Runs the whole command; returns the process exit code.
int run_train_command(const TrainOptions& opts);

// The command without its printing: trains, writes the model and its record, returns the record.
core::Result<TrainRecord> train_and_write(const TrainOptions& opts, const TrainProgress& progress = {});

}  // namespace sy::engine::train
