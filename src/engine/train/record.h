#pragma once
// The metadata record written next to a trained model (`OUT.json`): what went in (data file and
// its hash, samples, hyperparameters), what happened (epochs, steps, loss per epoch, time) and
// what came out (the GGUF's hash), so the refresh pipeline can tell versions apart and an
// auditor can tie a model file to the data it learned.
#include <string>

#include "core/result.h"
#include "engine/gguf_writer.h"
#include "engine/train/trainer.h"

namespace sy::engine::train {

// Lowercase hex SHA-256 of a file's bytes.
core::Result<std::string> sha256_file(const std::string& path);

struct TrainRecord {
  std::string model_in;
  std::string model_in_sha256;
  std::string data_file;
  std::string data_sha256;
  size_t samples = 0;
  size_t target_tokens = 0;
  std::string model_out;
  std::string model_sha256;
  LlamaHparams hparams;
  bool tied_embeddings = false;
  TrainConfig config;
  TrainReport report;
};

std::string record_json(const TrainRecord& r);
core::Status write_record(const std::string& path, const TrainRecord& r);

}  // namespace sy::engine::train
