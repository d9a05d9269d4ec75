#include "ops/keys_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "config/config.h"
#include "ops/key_actions.h"
#include "ops/models_command.h"
#include "ops/utc_time.h"

namespace sy::ops {

namespace json = boost::json;

void add_keys_command(CLI::App& app, KeysCommand& cmd) {
  auto* keys = app.add_subcommand("keys", "API keys kept in the store: create, list, revoke, rotate");
  keys->require_subcommand(1);
  cmd.app = keys;
  auto sub = [&](const char* name, const char* help) {
    auto* c = keys->add_subcommand(name, help);
    cmd.store.add_to(*c);
    c->add_option("--author", cmd.author, "Who makes the change (default $SWITCHYARD_AUTHOR, else $USER)");
    c->add_flag("--json", cmd.json, "Answer with one JSON object");
    c->callback([&cmd, name] { cmd.action = name; });
    return c;
  };
  auto* create = sub("create", "Make a key; its secret is printed this once (stdout), never again");
  create->add_option("--name", cmd.name, "The key's name (in logs, the audit trail, usage)")->required();
  create->add_option("--role", cmd.role, "user (default: inference) | viewer | auditor | operator | admin");
  create->add_option("--team", cmd.team, "Team whose limits it shares");
  create->add_option("--models", cmd.models, "Models, routes or globs it may use, comma-separated (default *)")->delimiter(',');
  create->add_option("--rpm", cmd.rpm, "Requests per minute (0 = no limit)");
  create->add_option("--tpm", cmd.tpm, "Tokens per minute (0 = no limit)");
  create->add_option("--budget-usd", cmd.budget_usd, "Monthly budget in USD (0 = none)");
  create->add_option("--expires", cmd.expires, "30d, 12h, 2w, or a UTC date/time (2026-12-31)");
  sub("list", "Every key: name, prefix, role, scopes, state (never a secret)");
  sub("revoke", "Refuse a key from now on, on every server sharing the store")->add_option("name", cmd.name)->required();
  sub("rotate", "Give a key a new secret (printed once); the old one is refused from now on")
      ->add_option("name", cmd.name)
      ->required();
}

bool keys_command_parsed(const KeysCommand& cmd) { return cmd.app && cmd.app->parsed(); }

namespace {

std::string text(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string("-");
}

void print_table(const json::object& listed) {
  std::printf("%-20s %-16s %-9s %-12s %-24s %-8s %s\n", "NAME", "PREFIX", "ROLE", "TEAM", "MODELS", "STATE", "EXPIRES");
  for (const auto& v : listed.at("keys").as_array()) {
    const auto& k = v.as_object();
    std::string models;
    for (const auto& m : k.at("models").as_array()) models += (models.empty() ? "" : ",") + std::string(m.as_string());
    std::printf("%-20s %-16s %-9s %-12s %-24s %-8s %s\n", text(k, "name").c_str(), text(k, "prefix").c_str(),
                text(k, "role").c_str(), text(k, "team").c_str(), models.c_str(), text(k, "state").c_str(),
                text(k, "expires").c_str());
  }
}

// A config key of the same name would make two keys one name in logs, usage and budgets.
core::Status check_name_free(const KeysCommand& cmd) {
  if (cmd.store.config_file.empty()) return core::Ok{};
  auto cfg = config::load_file(cmd.store.config_file);
  if (!cfg) return cfg.error();
  for (const auto& k : (*cfg)->keys) {
    if (k.name == cmd.name) {
      return core::Error{409, "conflict", cmd.store.config_file + " has a key named '" + cmd.name + "' already", {}, "conflict", {}, 0};
    }
  }
  return core::Ok{};
}

core::Result<json::object> act(store::Store& store, const KeysCommand& cmd) {
  if (cmd.action == "list") return list_keys(store, now_ms());
  if (cmd.action == "revoke") return revoke_key(store, cmd.name, cmd.author);
  if (cmd.action == "rotate") return rotate_key(store, cmd.name, cmd.author);
  if (cmd.action == "create") {
    if (auto s = check_name_free(cmd); !s) return s.error();
    NewKey k;
    k.name = cmd.name;
    k.role = cmd.role;
    k.team = cmd.team;
    k.models = cmd.models;
    k.requests_per_minute = cmd.rpm;
    k.tokens_per_minute = cmd.tpm;
    k.usd_per_month = cmd.budget_usd;
    k.author = cmd.author;
    if (!cmd.expires.empty()) {
      auto at = parse_expiry(cmd.expires, now_ms());
      if (!at) return at.error();
      k.expires_ms = *at;
    }
    return create_key(store, k);
  }
  return core::Error::invalid_request("unknown action");
}

}  // namespace

int run_keys_command(KeysCommand& cmd) {
  if (cmd.author.empty()) cmd.author = default_author();
  auto url = cmd.store.url();
  if (!url) {
    std::fprintf(stderr, "switchyard keys %s: %s\n", cmd.action.c_str(), url.error().message.c_str());
    return 2;
  }
  auto store = store::Store::open(*url);
  if (!store) {
    std::fprintf(stderr, "switchyard keys %s: %s\n", cmd.action.c_str(), store.error().message.c_str());
    return 2;
  }
  auto result = act(**store, cmd);
  if (!result) {
    std::fprintf(stderr, "switchyard keys %s: %s\n", cmd.action.c_str(), result.error().message.c_str());
    return result.error().status == 400 ? 2 : 1;
  }
  if (cmd.json) {
    std::printf("%s\n", json::serialize(*result).c_str());
  } else if (cmd.action == "list") {
    print_table(*result);
  } else if (const auto* secret = result->if_contains("key")) {
    // The secret alone on stdout (KEY=$(switchyard keys create ...)); the words on stderr.
    std::printf("%s\n", std::string(secret->as_string()).c_str());
    std::fprintf(stderr, "key '%s' %s (prefix %s): the secret above is shown this once; the store keeps only its hash\n",
                 cmd.name.c_str(), cmd.action == "create" ? "created" : "rotated", text(*result, "prefix").c_str());
  } else {
    std::printf("key '%s' revoked: every server sharing the store refuses it within a second\n", cmd.name.c_str());
  }
  return 0;
}

}  // namespace sy::ops
