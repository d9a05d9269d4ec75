#include "eval/eval_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "config/config.h"
#include "eval/report.h"
#include "eval/runner.h"
#include "ops/file_digest.h"
#include "ops/models_command.h"
#include "ops/utc_time.h"
#include "store/store.h"

namespace sy::eval {

namespace json = boost::json;

namespace {

int fail(const std::string& message, int code = 2) {
  std::fprintf(stderr, "switchyard eval: %s\n", message.c_str());
  return code;
}

void draw_progress(size_t done, size_t total) {
  const int width = 30;
  int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "##############################", width - filled, "", done, total);
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

bool write_file(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return true;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// Each item's cost, from its audit record (what the server charged, the same number usage and
// budgets see). A record is sealed just after its answer ends, so a missing one is waited for briefly.
void fill_costs(store::Store& store, std::vector<ItemResult>& items) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (auto& r : items) {
    if (r.outcome.request_id.empty()) continue;
    while (true) {
      auto found = store.find_audit(r.outcome.request_id);
      if (found && *found) {
        r.cost_usd = static_cast<double>((*found)->cost_micro_usd) / 1e6;
        break;
      }
      if (!found || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace

Report evaluate(const Server& server, const std::vector<Item>& items, const RunOptions& run, const std::string& data,
                const std::string& data_sha256, const std::string& author, store::Store* store, bool record) {
  Report report;
  report.model = run.model;
  report.items = run_items(server, items, run);
  if (store) fill_costs(*store, report.items);
  report.version = answering_version(report.items);
  report.summary = summarize(report.items);
  report.summary.dataset = data;
  report.summary.dataset_sha256 = data_sha256;
  report.summary.ts_ms = ops::now_ms();
  report.summary.author = author;

  // Only a model's version is a registry entry: a route's answers come from several.
  std::string model_name = run.model.substr(0, run.model.find('@'));
  bool one_version = !report.version.empty();
  for (const auto& r : report.items) {
    if (!r.outcome.version.empty() && r.outcome.version != report.version) one_version = false;
  }
  if (store && one_version) {
    if (auto stats = store->feedback_stats(model_name, report.version)) {
      report.summary.feedback_count = stats->count;
      report.summary.feedback_mean = stats->mean;
    }
  }
  if (!record || !store) return report;
  if (!one_version) {
    std::fprintf(stderr, "switchyard eval: not recorded: the items were answered by %s (pin one with --model %s@VERSION)\n",
                 report.version.empty() ? "no registry version" : "more than one version", model_name.c_str());
  } else if (auto s = ops::record_eval_run(*store, model_name, report.version, report.summary); !s) {
    std::fprintf(stderr, "switchyard eval: not recorded: %s\n", s.error().message.c_str());
  } else {
    report.recorded = true;
  }
  return report;
}

CLI::App* add_eval_command(CLI::App& app, EvalOptions& o) {
  auto* cmd = app.add_subcommand("eval", "Evaluate a model version (or a route) on a JSONL dataset through the server");
  auto* model = cmd->add_option("--model", o.model, "NAME, NAME@VERSION or NAME@ALIAS");
  auto* route = cmd->add_option("--route", o.route, "A route's name (the router picks per item)");
  model->excludes(route);
  cmd->add_option("--data", o.data, "JSONL: {id, messages | prompt, expected?, checks?}")->required();
  cmd->add_option("--url", o.url, "A running server (http(s)://host:port); without it, --config's server runs in this process");
  cmd->add_option("--key", o.key, "API key for the server (default $SWITCHYARD_KEY)");
  cmd->add_option("--ca-file", o.ca_file, "CA certificate for an https --url");
  cmd->add_option("--config", o.config_file, "Config: the server to run in-process, and the store results are kept in");
  cmd->add_option("--store", o.store_url, "Store URL to keep results in (instead of --config's)");
  cmd->add_option("--concurrency", o.concurrency, "Items in flight at once")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--embedding-model", o.embedding_model, "Model for embedding checks (a local one)");
  cmd->add_option("--judge", o.judge_model, "Model or route that grades judge checks");
  cmd->add_option("--min-score", o.min_score, "Exit 1 if the mean score is below this (0..1)");
  cmd->add_option("--json", o.json_out, "Write the report as JSON to FILE ('-' = stdout)");
  cmd->add_option("--html", o.html_out, "Write a self-contained HTML report to FILE");
  cmd->add_flag("--no-record", o.no_record, "Do not store the summary with the version");
  cmd->add_flag("--quiet", o.quiet, "No table and no progress bar");
  cmd->add_option("--author", o.author, "Who ran it (default $SWITCHYARD_AUTHOR, else $USER)");
  return cmd;
}

int run_eval_command(EvalOptions& o, const StartEmbeddedServer& start_embedded) {
  if (o.model.empty() && o.route.empty()) return fail("give --model NAME[@VERSION] or --route NAME");
  if (o.key.empty()) {
    if (const char* k = std::getenv("SWITCHYARD_KEY")) o.key = k;
  }
  if (o.author.empty()) o.author = ops::default_author();
  auto items = load_dataset(o.data);
  if (!items) return fail(items.error().message);
  auto digest = ops::sha256_file(o.data);
  if (!digest) return fail(digest.error().message);

  std::shared_ptr<const config::Config> cfg;
  if (!o.config_file.empty()) {
    auto loaded = config::load_file(o.config_file);
    if (!loaded) return fail(loaded.error().message);
    cfg = *loaded;
  }
  std::unique_ptr<EmbeddedServer> embedded;
  std::string url = o.url;
  if (url.empty()) {
    if (!cfg) return fail("give --url of a running server, or --config to run one in this process");
    auto started = start_embedded(o.config_file);
    if (!started) return fail("the in-process server did not start: " + started.error().message);
    embedded = std::move(*started);
    url = embedded->url();
  }
  auto server = make_server(url, o.key, o.ca_file);
  if (!server) return fail(server.error().message);

  std::string store_url = !o.store_url.empty() ? o.store_url : cfg && !cfg->store.empty() ? cfg->store : "";
  std::unique_ptr<store::Store> store;
  if (!store_url.empty()) {
    auto opened = store::Store::open(store_url);
    if (!opened) return fail(opened.error().message);
    store = std::move(*opened);
  }

  RunOptions run;
  run.model = o.model.empty() ? o.route : o.model;
  run.concurrency = o.concurrency;
  run.embedding_model = o.embedding_model;
  run.judge_model = o.judge_model;
  if (!o.quiet && isatty(STDERR_FILENO)) run.progress = draw_progress;

  // A route is not a registry entry: its answers come from several models.
  auto report = evaluate(*server, *items, run, o.data, *digest, o.author, store.get(), !o.no_record && !o.model.empty());
  // The progress bar ends its line before the table starts.
  if (!o.quiet) std::printf("%s", format_table(report).c_str());
  if (report.recorded && !o.quiet) {
    std::printf("recorded with %s@%s in the registry\n", report.model.substr(0, report.model.find('@')).c_str(),
                report.version.c_str());
  }
  if (!o.json_out.empty() && !write_file(o.json_out, json::serialize(to_json(report)) + "\n")) {
    return fail("cannot write " + o.json_out);
  }
  if (!o.html_out.empty() && !write_file(o.html_out, format_html(report))) return fail("cannot write " + o.html_out);

  if (o.min_score >= 0 && report.summary.score < o.min_score) {
    std::fprintf(stderr, "switchyard eval: score %.3f is below --min-score %.3f\n", report.summary.score, o.min_score);
    return 1;
  }
  return 0;
}

}  // namespace sy::eval
