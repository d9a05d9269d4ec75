#include "eval/refresh_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "config/config.h"
#include "config/refresh_config.h"
#include "engine/train/train_command.h"
#include "eval/canary_watch.h"
#include "eval/eval_command.h"
#include "eval/report.h"
#include "ops/eval_gate.h"
#include "ops/eval_results.h"
#include "ops/file_digest.h"
#include "ops/models_command.h"
#include "ops/registry_actions.h"

namespace sy::eval {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr int kRolledBack = 4;

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "switchyard refresh: %s\n", message.c_str());
  return code;
}

void step(int n, const std::string& what) {
  std::printf("[%d/5] %s\n", n, what.c_str());
  std::fflush(stdout);
}

// How far a run got, kept in the state file so a run after a crash picks up there. A new data
// file (another hash) starts over.
struct State {
  std::string data_sha256;
  std::string gguf;       // trained
  std::string version;    // registered
  std::string outcome;    // "", "promoted", "rolled_back"

  static State load(const std::string& path) {
    State s;
    std::ifstream in(path);
    if (!in) return s;
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(text.str(), ec);
    if (ec || !v.is_object()) return s;
    auto field = [&](const char* k) {
      const auto* f = v.as_object().if_contains(k);
      return f && f->is_string() ? std::string(f->get_string()) : std::string();
    };
    s.data_sha256 = field("data_sha256");
    s.gguf = field("gguf");
    s.version = field("version");
    s.outcome = field("outcome");
    return s;
  }

  void save(const std::string& path) const {
    json::object o{{"data_sha256", data_sha256}, {"gguf", gguf}, {"version", version}, {"outcome", outcome}};
    auto tmp = path + ".tmp";
    { std::ofstream(tmp) << json::serialize(o) << "\n"; }
    fs::rename(tmp, path);
  }
};

// The next free "vN" of the model.
std::string next_version(const store::RegistryState& r, const std::string& model) {
  int most = 0;
  for (const auto& v : r.versions) {
    if (v.model != model || v.version.size() < 2 || v.version[0] != 'v') continue;
    try {
      size_t used = 0;
      int n = std::stoi(v.version.substr(1), &used);
      if (used == v.version.size() - 1) most = std::max(most, n);
    } catch (const std::exception&) {
    }
  }
  return "v" + std::to_string(most + 1);
}

class Refresh {
 public:
  Refresh(RefreshOptions& o, config::RefreshConfig r, std::shared_ptr<const config::Config> cfg, std::unique_ptr<store::Store> store)
      : o_(o), r_(std::move(r)), cfg_(std::move(cfg)), store_(std::move(store)) {}

  int run() {
    auto data_sha = ops::sha256_file(r_.data);
    if (!data_sha) return fail("the training data: " + data_sha.error().message);
    state_ = State::load(r_.state);
    if (state_.data_sha256 != *data_sha) state_ = State{*data_sha};
    if (!state_.outcome.empty()) {
      std::printf("this data (sha256 %s) was refreshed already: %s as %s (remove %s to run again)\n", data_sha->substr(0, 12).c_str(),
                  state_.outcome.c_str(), state_.version.c_str(), r_.state.c_str());
      return state_.outcome == "promoted" ? 0 : kRolledBack;
    }
    auto registry = store_->load_registry();
    if (!registry) return fail(registry.error().message);
    const auto* production = registry->find_alias(r_.model, "production");
    if (!production) return fail("model '" + r_.model + "' has no production version to start from and compare with");
    production_ = production->version;
    const auto* prod_version = registry->find_version(r_.model, production_);
    production_path_ = prod_version && !prod_version->path.empty() ? prod_version->path : cfg_->find_model(r_.model)->path;

    if (int rc = train(); rc) return rc;
    if (int rc = register_version(); rc) return rc;
    if (int rc = evaluate_candidate(); rc) return rc;
    return canary();
  }

 private:
  void audit(const std::string& what, int status, std::vector<std::string> reasons) {
    ops::audit_cli_change(*store_, o_.author, "refresh " + what, r_.model, state_.version, status, reasons);
  }

  int train() {
    if (!state_.gguf.empty() && fs::exists(state_.gguf)) {
      step(1, "trained already: " + state_.gguf);
      return 0;
    }
    engine::train::TrainOptions t;
    t.model = r_.train_from.empty() ? production_path_ : r_.train_from;
    t.data = r_.data;
    fs::path dir = r_.out_dir.empty() ? fs::path(production_path_).parent_path() : fs::path(r_.out_dir);
    fs::create_directories(dir);
    t.out = (dir / (r_.model + "-" + state_.data_sha256.substr(0, 12) + ".gguf")).string();
    t.config.epochs = static_cast<uint32_t>(r_.train_epochs);
    t.config.lr = static_cast<float>(r_.train_lr);
    t.config.warmup_steps = static_cast<uint32_t>(r_.train_warmup);
    t.config.threads = r_.train_threads;
    step(1, "training " + t.model + " on " + r_.data + " (sha256 " + state_.data_sha256.substr(0, 12) + ")");
    engine::train::TrainProgress progress;
    progress.on_epoch = [](const engine::train::EpochStats& e) {
      std::printf("      epoch %u: loss %.4f, answer tokens right %.1f%%, %.1f s\n", e.epoch, e.loss, e.accuracy * 100, e.seconds);
      std::fflush(stdout);
    };
    auto record = engine::train::train_and_write(t, progress);
    if (!record) {
      audit("train", 500, {record.error().message});
      return fail("training failed: " + record.error().message);
    }
    state_.gguf = t.out;
    state_.save(r_.state);
    audit("train", 200, {"data sha256 " + state_.data_sha256, "from " + t.model, "wrote " + t.out + " (record " + t.out + ".json)",
                         std::to_string(record->report.epochs.size()) + " epochs"});
    return 0;
  }

  int register_version() {
    auto registry = store_->load_registry();
    if (!registry) return fail(registry.error().message);
    if (!state_.version.empty() && registry->find_version(r_.model, state_.version)) {
      step(2, "registered already as " + state_.version);
      return 0;
    }
    auto sha = ops::sha256_file(state_.gguf);
    if (!sha) return fail(sha.error().message);
    ops::AddVersion a;
    a.version.model = r_.model;
    a.version.version = next_version(*registry, r_.model);
    a.version.path = fs::absolute(state_.gguf).lexically_normal().string();
    a.version.sha256 = *sha;
    a.version.notes = "refresh: trained from " + production_ + " on " + r_.data + " (sha256 " + state_.data_sha256 +
                      "); training record " + state_.gguf + ".json";
    a.version.author = o_.author;
    a.alias = "candidate";
    step(2, "registering " + r_.model + " " + a.version.version + " (alias candidate)");
    auto added = ops::add_version(*store_, a);
    state_.version = a.version.version;
    audit("register", added ? 200 : added.error().status, {a.version.notes});
    if (!added) return fail(added.error().message);
    state_.save(r_.state);
    return 0;
  }

  config::EvalGate gate() const {
    config::EvalGate g;
    if (auto it = cfg_->gates.find(r_.model); it != cfg_->gates.end()) g = it->second;
    if (!r_.eval_dataset.empty()) g.dataset = r_.eval_dataset;
    if (r_.eval_min_score >= 0) g.min_score = r_.eval_min_score;
    if (r_.eval_max_regression >= 0) g.max_regression = r_.eval_max_regression;
    if (r_.eval_max_p95_latency_ms > 0) g.max_p95_latency_ms = r_.eval_max_p95_latency_ms;
    return g;
  }

  int evaluate_candidate() {
    auto g = gate();
    if (g.dataset.empty()) return fail("no evaluation dataset: set refresh.eval.dataset or gates." + r_.model + " in the config", 2);
    auto items = load_dataset(g.dataset);
    if (!items) return fail(items.error().message, 2);
    auto digest = ops::sha256_file(g.dataset);
    if (!digest) return fail(digest.error().message);
    auto server = make_server(o_.url, o_.key);
    if (!server) return fail(server.error().message, 2);
    // The new version has to be deployed (its alias) before MODEL@vN reaches it.
    wait_until_served(*server, *items);
    for (const auto& version : {production_, state_.version}) {
      auto registry = store_->load_registry();
      const auto* v = registry ? registry->find_version(r_.model, version) : nullptr;
      if (v && ops::eval_run_for(v->eval, *digest)) continue;  // evaluated on this content already
      step(3, "evaluating " + r_.model + "@" + version + " on " + g.dataset);
      RunOptions run;
      run.model = r_.model + "@" + version;
      run.concurrency = r_.eval_concurrency;
      auto report = evaluate(*server, *items, run, g.dataset, *digest, o_.author, store_.get(), true);
      std::printf("      score %.3f, passed %.0f%%, p95 %.0f ms\n", report.summary.score, report.summary.pass_rate * 100,
                  report.summary.p95_latency_ms);
      if (!report.recorded) return fail("the evaluation of " + version + " was not recorded");
    }
    auto verdict = ops::check_gate(*store_, g, r_.model, state_.version);
    if (!verdict) return fail(verdict.error().message);
    std::printf("      %s\n", verdict->summary().c_str());
    audit("gate", verdict->passed ? 200 : 409, {verdict->summary()});
    if (verdict->passed) return 0;
    return roll_back("the candidate failed its gate");
  }

  // A version is deployed within a second of its alias; ask until it answers (bounded).
  void wait_until_served(const Server& server, const std::vector<Item>& items) {
    RunOptions probe;
    probe.model = r_.model + "@" + state_.version;
    std::vector<Item> one{items.front()};
    for (int i = 0; i < 20; ++i) {
      auto r = run_items(server, one, probe);
      if (r.front().outcome.status != 404) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  int canary() {
    ops::ModelsCommand c;
    c.store.config_file = o_.config_file;
    c.action = "canary";
    c.model = r_.model;
    c.version = state_.version;
    c.percent = r_.canary_percent;
    c.auto_canary = true;
    c.min_requests = r_.canary_min_requests;
    c.min_duration = r_.canary_min_duration;
    c.max_duration = r_.canary_max_duration;
    c.interval = r_.canary_interval;
    c.url = o_.url;
    c.key = o_.admin_key;
    c.author = o_.author;
    step(4, "canary of " + state_.version + " at " + std::to_string(static_cast<int>(r_.canary_percent)) + "% against " + production_);
    int rc = run_canary_watch(c);
    if (rc == 0) {
      state_.outcome = "promoted";
      state_.save(r_.state);
      step(5, "retiring " + production_ + " once its last request ends");
      drop_candidate_alias();
      auto retired = ops::retire(*store_, r_.model, production_, o_.author);
      audit("retire " + production_, retired ? 200 : retired.error().status, {"replaced by " + state_.version});
      if (!retired) std::fprintf(stderr, "switchyard refresh: %s stays: %s\n", production_.c_str(), retired.error().message.c_str());
      std::printf("done: %s %s is production\n", r_.model.c_str(), state_.version.c_str());
      return 0;
    }
    if (rc == kRolledBack) return roll_back("the canary was rolled back");
    return rc;
  }

  void drop_candidate_alias() {
    auto registry = store_->load_registry();
    const auto* candidate = registry ? registry->find_alias(r_.model, "candidate") : nullptr;
    if (candidate && candidate->version == state_.version) (void)store_->remove_alias(r_.model, "candidate", o_.author);
  }

  int roll_back(const std::string& why) {
    step(5, "rolling back: " + why + "; retiring " + state_.version + ", " + production_ + " stays production");
    drop_candidate_alias();
    auto registry = store_->load_registry();
    const auto* canary = registry ? registry->find_alias(r_.model, "canary") : nullptr;
    if (canary && canary->version == state_.version) (void)store_->remove_alias(r_.model, "canary", o_.author);
    auto retired = ops::retire(*store_, r_.model, state_.version, o_.author);
    audit("rollback", retired ? 200 : retired.error().status, {why});
    state_.outcome = "rolled_back";
    state_.save(r_.state);
    return kRolledBack;
  }

  RefreshOptions& o_;
  config::RefreshConfig r_;
  std::shared_ptr<const config::Config> cfg_;
  std::unique_ptr<store::Store> store_;
  State state_;
  std::string production_;
  std::string production_path_;
};

}  // namespace

CLI::App* add_refresh_command(CLI::App& app, RefreshOptions& o) {
  auto* cmd = app.add_subcommand("refresh", "Retrain a local model on new data, gate it, canary it, promote or roll back");
  cmd->add_option("--file", o.file, "The refresh YAML (refresh: {model, data, train, eval, canary})")->required();
  cmd->add_option("--config", o.config_file, "The server's config: its store and gates")->required();
  cmd->add_option("--url", o.url, "The running server the evaluation and canary go through")->required();
  cmd->add_option("--key", o.key, "Inference key for the evaluation (default $SWITCHYARD_KEY)");
  cmd->add_option("--admin-key", o.admin_key, "Admin key for the canary's drift state (default $SWITCHYARD_ADMIN_KEY)");
  cmd->add_option("--author", o.author, "Who runs it (default $SWITCHYARD_AUTHOR, else $USER)");
  return cmd;
}

int run_refresh_command(RefreshOptions& o) {
  if (o.key.empty()) {
    if (const char* k = std::getenv("SWITCHYARD_KEY")) o.key = k;
  }
  if (o.admin_key.empty()) {
    if (const char* k = std::getenv("SWITCHYARD_ADMIN_KEY")) o.admin_key = k;
  }
  if (o.author.empty()) o.author = ops::default_author();
  auto r = config::load_refresh_file(o.file);
  if (!r) return fail(r.error().message, 2);
  auto cfg = config::load_file(o.config_file);
  if (!cfg) return fail(cfg.error().message, 2);
  const auto* model = (*cfg)->find_model(r->model);
  if (!model || model->provider != config::ProviderKind::local) {
    return fail("refresh.model '" + r->model + "' must be a local model of " + o.config_file, 2);
  }
  if ((*cfg)->store.empty()) return fail(o.config_file + " names no store: the registry must outlive this command", 2);
  auto store = store::Store::open((*cfg)->store);
  if (!store) return fail(store.error().message);
  Refresh refresh(o, std::move(*r), *cfg, std::move(*store));
  return refresh.run();
}

}  // namespace sy::eval
