#include "ops/models_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "config/config.h"
#include "ops/audit_log.h"
#include "ops/eval_gate.h"
#include "ops/registry_actions.h"

namespace sy::ops {

namespace json = boost::json;

void add_models_command(CLI::App& app, ModelsCommand& cmd) {
  auto* models = app.add_subcommand("models", "The model registry: versions, aliases, canary, shadow, rollback, retire");
  models->require_subcommand(1);
  cmd.app = models;
  auto sub = [&](const char* name, const char* help) {
    auto* c = models->add_subcommand(name, help);
    cmd.store.add_to(*c);
    c->add_option("--author", cmd.author, "Who makes the change (default $SWITCHYARD_AUTHOR, else $USER)");
    c->callback([&cmd, name] { cmd.action = name; });
    return c;
  };
  auto* list = sub("list", "Every model with its versions and aliases");
  list->add_flag("--json", cmd.json, "One JSON object instead of a table");
  sub("show", "One model, whole, as JSON")->add_option("model", cmd.model)->required();

  auto* add = sub("add", "Register a new version of a model");
  add->add_option("model", cmd.model)->required();
  add->add_option("version", cmd.version)->required();
  add->add_option("--path", cmd.path, "GGUF file (local models); its sha256 is recorded and checked before serving");
  add->add_option("--upstream-model", cmd.upstream_model, "Provider's model name (remote models)");
  add->add_option("--sha256", cmd.sha256, "Expected sha256 of --path (refused if the file differs)");
  add->add_option("--quantization", cmd.quantization);
  add->add_option("--notes", cmd.notes);
  add->add_option("--parameters", cmd.parameters,
                  "Request defaults, JSON: {system_prompt, temperature, top_p, max_tokens} (the client's values win)");
  add->add_option("--eval", cmd.eval, "JSON object of evaluation results");
  add->add_option("--alias", cmd.alias, "Point this alias (e.g. staging) at the new version");

  auto* promote = sub("promote", "Point production (or --alias) at a version; without one, promote the canary");
  promote->add_option("model", cmd.model)->required();
  promote->add_option("version", cmd.version);
  promote->add_option("--alias", cmd.alias, "Alias to move (default production)");
  promote->add_flag("--force", cmd.force, "Go ahead although the version fails its eval gate (audited)");

  sub("rollback", "Production back to the version before; any canary ends")->add_option("model", cmd.model)->required();

  for (const char* traffic : {"canary", "shadow"}) {
    auto* c = sub(traffic, traffic == std::string("canary")
                              ? "Send a sticky share of callers to a version (--percent 0 ends it)"
                              : "Copy a share of requests to a version; its answers are recorded, never shown (--percent 0 ends it)");
    c->add_option("model", cmd.model)->required();
    c->add_option("version", cmd.version);
    c->add_option("--percent", cmd.percent, "0..100 (required, except for `models canary status MODEL`)");
    if (traffic == std::string("canary")) {
      c->add_flag("--force", cmd.force, "Go ahead although the version fails its eval gate (audited)");
      c->add_flag("--auto", cmd.auto_canary, "Watch it against production, then promote or roll back by itself (audited)");
      c->add_option("--min-requests", cmd.min_requests, "--auto: canary requests before a verdict")->capture_default_str();
      c->add_option("--min-duration", cmd.min_duration, "--auto: time before a verdict")->capture_default_str();
      c->add_option("--max-duration", cmd.max_duration, "--auto: still short of evidence then: roll back")->capture_default_str();
      c->add_option("--interval", cmd.interval, "--auto: how often to compare")->capture_default_str();
      c->add_option("--url", cmd.url, "--auto/status: a server whose /admin/drift adds the canary's drift state");
      c->add_option("--key", cmd.key, "Its admin key (default $SWITCHYARD_ADMIN_KEY)");
    }
  }
  auto* retire = sub("retire", "Stop a version: in-flight requests finish, then a local model is unloaded");
  retire->add_option("model", cmd.model)->required();
  retire->add_option("version", cmd.version)->required();
}

std::string default_author() {
  for (const char* var : {"SWITCHYARD_AUTHOR", "USER", "LOGNAME"}) {
    if (const char* v = std::getenv(var); v && *v) return v;
  }
  return "cli";
}

bool models_command_parsed(const ModelsCommand& cmd) { return cmd.app && cmd.app->parsed(); }

bool is_canary_watch(const ModelsCommand& cmd) { return cmd.action == "canary" && (cmd.auto_canary || cmd.model == "status"); }

void audit_cli_change(store::Store& store, const std::string& author, const std::string& what, const std::string& model,
                      const std::string& version, int status, const std::vector<std::string>& reasons) {
  RequestRecord r;
  r.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // Several records can be written in one millisecond (a decision and the change it makes).
  static int sequence = 0;
  r.request_id = "cli-" + std::to_string(r.ts_ms) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++sequence);
  r.key_name = "cli:" + author;
  r.method = "CLI";
  r.path = what;
  r.model = model;
  r.version = version;
  r.status = status;
  r.reasons = reasons;
  if (auto appended = store.append_audit({audit_entry(r)}); !appended) {
    std::fprintf(stderr, "switchyard: the change is made, but its audit record could not be written: %s\n",
                 appended.error().message.c_str());
  }
}

namespace {

void print_table(const json::object& described) {
  std::printf("%-20s %-16s %-8s %-28s %s\n", "MODEL", "VERSION", "STATE", "ALIASES", "ARTIFACT");
  for (const auto& [model, m] : described.at("models").as_object()) {
    const auto& aliases = m.as_object().at("aliases").as_object();
    for (const auto& v : m.as_object().at("versions").as_array()) {
      const auto& o = v.as_object();
      std::string names;
      for (const auto& [alias, a] : aliases) {
        if (a.as_object().at("version").as_string() != o.at("version").as_string()) continue;
        names += (names.empty() ? "" : ",") + std::string(alias);
        if (const auto* p = a.as_object().if_contains("percent")) names += "(" + json::serialize(*p) + "%)";
      }
      const auto* artifact = o.if_contains("path") ? o.if_contains("path") : o.if_contains("upstream_model");
      std::printf("%-20s %-16s %-8s %-28s %s\n", std::string(model).c_str(), std::string(o.at("version").as_string()).c_str(),
                  std::string(o.at("state").as_string()).c_str(), names.empty() ? "-" : names.c_str(),
                  artifact ? std::string(artifact->as_string()).c_str() : "");
    }
  }
}

// Registry changes made outside the server go into the same audit chain as its requests.
// One record, so no writer thread: it is sealed into the chain through the store already open.
void audit_change(store::Store& store, const ModelsCommand& cmd, int status, const GateVerdict& gate) {
  std::vector<std::string> reasons;
  if (gate.gated) reasons.push_back(gate.summary());
  audit_cli_change(store, cmd.author, "models " + cmd.action, cmd.model, cmd.version, status, reasons);
}

core::Result<json::object> act(store::Store& store, ModelsCommand& cmd) {
  if (cmd.action == "list") return describe_models(store);
  if (cmd.action == "show") return describe_models(store, cmd.model);
  if (cmd.action == "add") {
    AddVersion a;
    a.version.model = cmd.model;
    a.version.version = cmd.version;
    // The server may run elsewhere: a path relative to this shell means nothing to it.
    a.version.path = cmd.path.empty() ? "" : std::filesystem::absolute(cmd.path).lexically_normal().string();
    a.version.upstream_model = cmd.upstream_model;
    a.version.sha256 = cmd.sha256;
    a.version.quantization = cmd.quantization;
    a.version.notes = cmd.notes;
    a.version.parameters = cmd.parameters;
    a.version.eval = cmd.eval;
    a.version.author = cmd.author;
    a.alias = cmd.alias;
    return add_version(store, std::move(a));
  }
  if (cmd.action == "promote") return promote(store, cmd.model, cmd.version, cmd.alias.empty() ? "production" : cmd.alias, cmd.author);
  if (cmd.action == "rollback") return rollback(store, cmd.model, cmd.author);
  if (cmd.action == "canary" || cmd.action == "shadow") {
    if (cmd.percent < 0) return core::Error::invalid_request("--percent is required (0 ends the " + cmd.action + ")");
    return set_traffic_alias(store, cmd.model, cmd.action, cmd.version, cmd.percent, cmd.author);
  }
  if (cmd.action == "retire") return retire(store, cmd.model, cmd.version, cmd.author);
  return core::Error::invalid_request("unknown action");
}

// The config's eval gate for a promote or canary. Without --config (only --store) no gate is
// known here, and the command says so rather than passing silently.
core::Result<GateVerdict> check_gate_before(store::Store& store, const ModelsCommand& cmd) {
  if (cmd.action != "promote" && cmd.action != "canary") return GateVerdict{};
  if (cmd.store.config_file.empty()) {
    std::fprintf(stderr, "switchyard models %s: no --config, so no eval gate is checked\n", cmd.action.c_str());
    return GateVerdict{};
  }
  auto cfg = config::load_file(cmd.store.config_file);
  if (!cfg) return cfg.error();
  auto alias = cmd.alias.empty() ? std::string("production") : cmd.alias;
  return gate_traffic_move(store, (*cfg)->gates, cmd.action, cmd.model, cmd.version, alias, cmd.percent, cmd.force);
}

}  // namespace

int run_models_command(ModelsCommand& cmd) {
  if (cmd.author.empty()) cmd.author = default_author();
  auto url = cmd.store.url();
  if (!url) {
    std::fprintf(stderr, "switchyard models %s: %s\n", cmd.action.c_str(), url.error().message.c_str());
    return 2;
  }
  auto store = store::Store::open(*url);
  if (!store) {
    std::fprintf(stderr, "switchyard models %s: %s\n", cmd.action.c_str(), store.error().message.c_str());
    return 2;
  }
  auto gate = check_gate_before(**store, cmd);
  if (!gate) {
    audit_change(**store, cmd, gate.error().status, GateVerdict{});
    std::fprintf(stderr, "switchyard models %s: %s\n", cmd.action.c_str(), gate.error().message.c_str());
    return gate.error().code == "gate_failed" ? 3 : 1;
  }
  if (gate->forced) std::fprintf(stderr, "switchyard models %s: %s\n", cmd.action.c_str(), gate->summary().c_str());
  auto result = act(**store, cmd);
  bool changes = cmd.action != "list" && cmd.action != "show";
  if (changes) audit_change(**store, cmd, result ? 200 : result.error().status, *gate);
  if (!result) {
    std::fprintf(stderr, "switchyard models %s: %s\n", cmd.action.c_str(), result.error().message.c_str());
    return 1;
  }
  if (cmd.action == "list" && !cmd.json) print_table(*result);
  else std::printf("%s\n", json::serialize(*result).c_str());
  return 0;
}

}  // namespace sy::ops
