#include "tiny_model.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <unistd.h>

#include "engine/model_init.h"

namespace sy::testing {

const std::string& tiny_model_path() {
  static const std::string path = [] {
    auto dir = std::filesystem::temp_directory_path() / ("switchyard-tiny-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    static struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() { std::filesystem::remove_all(dir); }
    } cleanup{dir};
    auto opts = engine::default_model_init_options();
    opts.out = (dir / "tiny.gguf").string();
    opts.hparams.n_embd = 64;
    opts.hparams.n_layer = 2;
    opts.hparams.n_head = 4;
    opts.hparams.n_head_kv = 4;
    opts.hparams.n_ff = 128;
    opts.hparams.n_ctx = 1024;
    opts.seed = 7;
    // Random weights give near-uniform logits; a wider init makes greedy choices clear-cut, so
    // tests compare real decisions, not ties broken by rounding.
    opts.init_std = 0.5f;
    if (auto written = engine::init_model(opts); !written) ADD_FAILURE() << written.error().message;
    return opts.out;
  }();
  return path;
}

}  // namespace sy::testing
