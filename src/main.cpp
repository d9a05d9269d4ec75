// switchyard: the command line. `serve` runs the gateway; the other commands arrive with the
// subsystems they drive.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "api/drift_report_command.h"
#include "engine/model_init.h"
#include "engine/train/train_command.h"
#include "eval/canary_watch.h"
#include "eval/eval_command.h"
#include "eval/refresh_command.h"
#include "ops/audit_command.h"
#include "ops/cost_command.h"
#include "ops/keys_command.h"
#include "ops/models_command.h"
#include "privacy/pii_command.h"
#include "serve.h"

namespace {
constexpr const char* kVersion = "0.1.0";
}

int main(int argc, char** argv) {
  CLI::App app{"switchyard: one server for cloud, local and hybrid LLM deployments"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);

  sy::ServeOptions serve_opts;
  auto* serve = app.add_subcommand("serve", "Run the gateway");
  serve->add_option("--config", serve_opts.config_file, "YAML config file")->required();
  serve->add_option("--ready-file", serve_opts.ready_file,
                    "Write the listening address here once ready (for scripts and tests using port 0)");

  std::string check_file;
  auto* check = app.add_subcommand("check-config", "Validate a config file and exit");
  check->add_option("--config", check_file, "YAML config file")->required();

  auto* model = app.add_subcommand("model", "Make model files");
  model->require_subcommand(1);
  sy::engine::ModelInitOptions init_opts = sy::engine::default_model_init_options();
  auto* init = model->add_subcommand("init", "Write a small llama-architecture GGUF with initialized weights");
  init->add_option("--out", init_opts.out, "GGUF file to write")->required();
  init->add_option("--layers", init_opts.hparams.n_layer, "Transformer blocks")->capture_default_str();
  init->add_option("--embd", init_opts.hparams.n_embd, "Embedding width")->capture_default_str();
  init->add_option("--heads", init_opts.hparams.n_head, "Attention heads")->capture_default_str();
  init->add_option("--ff", init_opts.hparams.n_ff, "Feed-forward width")->capture_default_str();
  init->add_option("--ctx", init_opts.hparams.n_ctx, "Context length")->capture_default_str();
  init->add_option("--vocab", init_opts.vocab_file, "GGUF whose tokenizer is used")->capture_default_str();
  init->add_option("--vocab-keep", init_opts.vocab_keep,
                   "Keep this many first ids, plus every single-character piece")->capture_default_str();
  init->add_option("--seed", init_opts.seed, "Random seed")->capture_default_str();
  init->add_option("--init-std", init_opts.init_std, "Standard deviation of the initial weights")
      ->capture_default_str();
  init->add_flag("--tie-embeddings", init_opts.tie_embeddings, "No output.weight: reuse token_embd");

  sy::engine::train::TrainOptions train_opts;
  auto* train = app.add_subcommand("train", "Train a llama-architecture GGUF on question/answer pairs");
  sy::engine::train::add_train_options(*train, train_opts);

  sy::privacy::PiiScanOptions pii_opts;
  auto* pii = app.add_subcommand("pii", "Find personal data and secrets in text");
  pii->require_subcommand(1);
  auto* pii_scan = sy::privacy::add_pii_scan_command(*pii, pii_opts);

  sy::ops::ModelsCommand models_cmd;
  sy::ops::add_models_command(app, models_cmd);

  sy::ops::AuditCommandOptions audit_opts;
  auto audit = sy::ops::add_audit_command(app, audit_opts);

  sy::ops::CostCommandOptions cost_opts;
  auto* cost_plan = sy::ops::add_cost_command(app, cost_opts);

  sy::ops::KeysCommand keys_cmd;
  sy::ops::add_keys_command(app, keys_cmd);

  sy::eval::EvalOptions eval_opts;
  auto* eval = sy::eval::add_eval_command(app, eval_opts);
  sy::eval::RefreshOptions refresh_opts;
  auto* refresh = sy::eval::add_refresh_command(app, refresh_opts);

  sy::api::DriftReportOptions drift_opts;
  auto* drift_report = sy::api::add_drift_command(app, drift_opts);

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) return sy::run_serve(serve_opts);
  if (check->parsed()) return sy::check_config(check_file);
  if (init->parsed()) {
    init_opts.hparams.n_head_kv = init_opts.hparams.n_head;
    auto hp = sy::engine::init_model(init_opts);
    if (!hp) {
      std::fprintf(stderr, "switchyard model init: %s\n", hp.error().message.c_str());
      return 1;
    }
    std::fprintf(stderr, "wrote %s: %u layers, embd %u, %u heads, ff %u, ctx %u, vocab %u\n", init_opts.out.c_str(),
                 hp->n_layer, hp->n_embd, hp->n_head, hp->n_ff, hp->n_ctx, hp->n_vocab);
    return 0;
  }
  if (train->parsed()) return sy::engine::train::run_train_command(train_opts);
  if (pii_scan->parsed()) return sy::privacy::run_pii_scan(pii_opts);
  if (audit.verify->parsed()) return sy::ops::run_audit_verify(audit_opts);
  if (audit.exporter->parsed()) return sy::ops::run_audit_export(audit_opts);
  if (sy::ops::models_command_parsed(models_cmd)) {
    return sy::ops::is_canary_watch(models_cmd) ? sy::eval::run_canary_watch(models_cmd) : sy::ops::run_models_command(models_cmd);
  }
  if (sy::ops::keys_command_parsed(keys_cmd)) return sy::ops::run_keys_command(keys_cmd);
  if (cost_plan->parsed()) return sy::ops::run_cost_plan(cost_opts);
  if (drift_report->parsed()) return sy::api::run_drift_report(drift_opts);
  if (eval->parsed()) return sy::eval::run_eval_command(eval_opts, sy::start_embedded_server);
  if (refresh->parsed()) return sy::eval::run_refresh_command(refresh_opts);
  return 2;
}
