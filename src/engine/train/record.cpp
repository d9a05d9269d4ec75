#include "engine/train/record.h"

#include <openssl/evp.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace sy::engine::train {

core::Result<std::string> sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::invalid_request("cannot read " + path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    if (in.gcount() > 0) EVP_DigestUpdate(md.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(md.get(), digest.data(), &len);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof(byte), "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

namespace {

// A float as the decimal it was written as (0.002, not 0.0020000000949949026).
double decimal(float f) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.7g", static_cast<double>(f));
  return std::strtod(buf, nullptr);
}

}  // namespace

std::string record_json(const TrainRecord& r) {
  namespace json = boost::json;
  json::array epochs;
  for (const EpochStats& e : r.report.epochs) {
    epochs.push_back(
        json::object{{"epoch", e.epoch}, {"loss", e.loss}, {"accuracy", e.accuracy}, {"seconds", e.seconds}});
  }
  const LlamaHparams& hp = r.hparams;
  const TrainConfig& c = r.config;
  json::object o{
      {"model_in", json::object{{"file", r.model_in}, {"sha256", r.model_in_sha256}}},
      {"data", json::object{{"file", r.data_file},
                            {"sha256", r.data_sha256},
                            {"samples", r.samples},
                            {"target_tokens", r.target_tokens}}},
      {"model_out", json::object{{"file", r.model_out}, {"sha256", r.model_sha256}}},
      {"hparams", json::object{{"architecture", "llama"},
                               {"n_vocab", hp.n_vocab},
                               {"n_ctx", hp.n_ctx},
                               {"n_embd", hp.n_embd},
                               {"n_layer", hp.n_layer},
                               {"n_head", hp.n_head},
                               {"n_head_kv", hp.n_head_kv},
                               {"n_ff", hp.n_ff},
                               {"rope_freq_base", decimal(hp.rope_freq_base)},
                               {"rms_eps", decimal(hp.rms_eps)},
                               {"tied_embeddings", r.tied_embeddings}}},
      {"training", json::object{{"epochs_max", c.epochs},
                                {"epochs", r.report.epochs.size()},
                                {"steps", r.report.steps},
                                {"lr", decimal(c.lr)},
                                {"lr_min_ratio", decimal(c.lr_min_ratio)},
                                {"warmup_steps", c.warmup_steps},
                                {"batch", c.batch},
                                {"seed", c.seed},
                                {"threads", c.threads},
                                {"optimizer", "adamw"},
                                {"beta1", decimal(c.beta1)},
                                {"beta2", decimal(c.beta2)},
                                {"weight_decay", decimal(c.weight_decay)},
                                {"rows_per_step", r.report.shape.rows},
                                {"row_len", r.report.shape.row_len},
                                {"stop_when_exact", c.stop_when_exact},
                                {"stop_margin", decimal(c.stop_margin)}}},
      {"loss_per_epoch", std::move(epochs)},
      {"final_loss", r.report.final_loss},
      {"min_margin", decimal(r.report.min_margin)},
      {"exact", r.report.exact},
      {"seconds", r.report.seconds},
  };
  return json::serialize(o);
}

core::Status write_record(const std::string& path, const TrainRecord& r) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << record_json(r) << "\n";
    if (!out) return core::Error::internal("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return core::Error::internal("cannot rename " + tmp);
  return core::Ok{};
}

}  // namespace sy::engine::train
