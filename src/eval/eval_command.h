#pragma once
// `switchyard eval`: a dataset against a model version (or a route) through a running server
// (--url) or one this process starts from the config (--config alone), scored item by item; a
// table (with a progress bar), JSON and an HTML report; the summary stored with the version in
// the registry; exit code 1 under --min-score, for CI.
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "eval/runner.h"
#include "store/store.h"

namespace CLI {
class App;
}

namespace sy::eval {

// A server running inside this process (serve.cpp starts it: the eval layer sits below api).
class EmbeddedServer {
 public:
  virtual ~EmbeddedServer() = default;
  virtual std::string url() const = 0;
};
using StartEmbeddedServer = std::function<core::Result<std::unique_ptr<EmbeddedServer>>(const std::string& config_file)>;

struct EvalOptions {
  std::string model;
  std::string route;
  std::string data;
  std::string url;
  std::string key;
  std::string ca_file;
  std::string config_file;
  std::string store_url;
  int concurrency = 4;
  std::string embedding_model;
  std::string judge_model;
  double min_score = -1;
  std::string json_out;
  std::string html_out;
  bool no_record = false;
  bool quiet = false;
  std::string author;
};

CLI::App* add_eval_command(CLI::App& app, EvalOptions& options);

struct Report;
// Runs `items` of dataset file `data` through `server` as `run.model`, fills in costs and feedback
// from `store` (may be null), and records the summary with the version when asked to and the
// items were answered by one version of a registry model. Says on stderr why it did not record.
Report evaluate(const Server& server, const std::vector<Item>& items, const RunOptions& run, const std::string& data,
                const std::string& data_sha256, const std::string& author, store::Store* store, bool record);
int run_eval_command(EvalOptions& options, const StartEmbeddedServer& start_embedded);

}  // namespace sy::eval
