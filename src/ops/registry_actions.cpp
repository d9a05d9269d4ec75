#include "ops/registry_actions.h"

#include <cctype>
#include <chrono>
#include <set>

#include <boost/json.hpp>

#include "ops/file_digest.h"
#include "ops/utc_time.h"
#include "ops/version_parameters.h"

namespace sy::ops {

namespace json = boost::json;
using core::Error;

namespace {

core::Result<std::optional<store::Alias>> alias_of(store::Store& store, const std::string& model, const std::string& alias) {
  auto state = store.load_registry();
  if (!state) return state.error();
  for (const auto& a : state->aliases) {
    if (a.model == model && a.alias == alias) return std::optional<store::Alias>(a);
  }
  return std::optional<store::Alias>();
}

// Whole numbers as integers: Boost.JSON would write a percent of 50 as 5E1.
json::value number(double d) {
  if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  return d;
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  }
  return true;
}

}  // namespace

json::object to_json(const store::ModelVersion& v) {
  json::object o;
  o["model"] = v.model;
  o["version"] = v.version;
  if (!v.path.empty()) o["path"] = v.path;
  if (!v.upstream_model.empty()) o["upstream_model"] = v.upstream_model;
  if (!v.sha256.empty()) o["sha256"] = v.sha256;
  if (!v.quantization.empty()) o["quantization"] = v.quantization;
  auto embedded = [&](const char* key, const std::string& text) {
    if (text.empty()) return;
    boost::system::error_code ec;
    auto parsed = json::parse(text, ec);
    o[key] = ec ? json::value(text) : parsed;
  };
  embedded("parameters", v.parameters);
  embedded("eval", v.eval);
  if (!v.notes.empty()) o["notes"] = v.notes;
  o["author"] = v.author;
  o["created_ms"] = v.created_ms;
  o["state"] = v.state;
  if (v.retired_ms) o["retired_ms"] = v.retired_ms;
  return o;
}

core::Result<json::object> add_version(store::Store& store, AddVersion request) {
  auto& v = request.version;
  if (!valid_name(v.model)) return Error::invalid_request("model: letters, digits and -_.: only, 1 to 128 of them", "model");
  if (!valid_name(v.version)) return Error::invalid_request("version: letters, digits and -_.: only, 1 to 128 of them", "version");
  if (v.path.empty() == v.upstream_model.empty()) {
    return Error::invalid_request("give the version's artifact: a GGUF path (local models) or an upstream model name, one of them");
  }
  if (auto parameters = parse_version_parameters(v.parameters); !parameters) return parameters.error();
  boost::system::error_code ec;
  if (!v.eval.empty() && !json::parse(v.eval, ec).is_object()) return Error::invalid_request("eval must be a JSON object", "eval");
  if (!v.path.empty()) {
    // The digest is what the server checks the file against before it serves it.
    auto digest = sha256_file(v.path);
    if (!digest) return Error::invalid_request("path: " + digest.error().message, "path");
    if (!v.sha256.empty() && v.sha256 != *digest) {
      return Error::invalid_request("sha256 given does not match '" + v.path + "' (" + *digest + ")", "sha256");
    }
    v.sha256 = *digest;
  }
  if (v.created_ms == 0) v.created_ms = now_ms();
  if (auto s = store.add_version(v); !s) return s.error();
  json::object out{{"added", to_json(v)}};
  if (!request.alias.empty()) {
    if (auto s = store.set_alias(v.model, request.alias, v.version, 100, v.author); !s) return s.error();
    out["alias"] = request.alias;
  }
  return out;
}

core::Result<json::object> promote(store::Store& store, const std::string& model, std::string version,
                                   const std::string& alias, const std::string& author) {
  auto canary = alias_of(store, model, "canary");
  if (!canary) return canary.error();
  if (version.empty()) {
    if (!*canary) return Error::invalid_request("model '" + model + "' has no canary to promote: name the version", "version");
    version = (*canary)->version;
  }
  auto before = alias_of(store, model, alias);
  if (!before) return before.error();
  if (auto s = store.set_alias(model, alias, version, 100, author); !s) return s.error();
  json::object out{{"model", model}, {"alias", alias}, {"version", version}};
  if (*before) out["was"] = (*before)->version;
  if (alias == "production" && *canary && (*canary)->version == version) {
    if (auto s = store.remove_alias(model, "canary", author); !s) return s.error();
    out["canary_ended"] = true;
  }
  return out;
}

core::Result<json::object> rollback(store::Store& store, const std::string& model, const std::string& author) {
  auto current = alias_of(store, model, "production");
  if (!current) return current.error();
  if (!*current) return Error::not_found("model '" + model + "' has no production version");
  auto previous = store.previous_alias_version(model, "production");
  if (!previous) return previous.error();
  if (!*previous) {
    return Error{409, "conflict", "model '" + model + "' has no earlier production version to roll back to", {}, "nothing_to_roll_back", {}, 0};
  }
  if (auto s = store.set_alias(model, "production", **previous, 100, author); !s) return s.error();
  json::object out{{"model", model}, {"production", **previous}, {"was", (*current)->version}};
  auto canary = alias_of(store, model, "canary");
  if (canary && *canary) {
    if (auto s = store.remove_alias(model, "canary", author); !s) return s.error();
    out["canary_ended"] = (*canary)->version;
  }
  return out;
}

core::Result<json::object> set_traffic_alias(store::Store& store, const std::string& model, const std::string& alias,
                                             const std::string& version, double percent, const std::string& author) {
  if (!(percent >= 0 && percent <= 100)) return Error::invalid_request("percent must be between 0 and 100", "percent");
  if (percent == 0) {
    auto current = alias_of(store, model, alias);
    if (!current) return current.error();
    if (!*current) return json::object{{"model", model}, {alias, nullptr}};
    if (auto s = store.remove_alias(model, alias, author); !s) return s.error();
    return json::object{{"model", model}, {alias, nullptr}, {"was", (*current)->version}};
  }
  if (version.empty()) return Error::invalid_request("name the version that takes the " + alias + " traffic", "version");
  if (auto s = store.set_alias(model, alias, version, percent, author); !s) return s.error();
  return json::object{{"model", model}, {alias, version}, {"percent", number(percent)}};
}

core::Result<json::object> retire(store::Store& store, const std::string& model, const std::string& version,
                                  const std::string& author) {
  if (auto s = store.set_version_state(model, version, "retired", author); !s) return s.error();
  return json::object{{"model", model}, {"version", version}, {"state", "retired"}};
}

core::Result<json::object> describe_models(store::Store& store, const std::string& only_model) {
  auto state = store.load_registry();
  if (!state) return state.error();
  json::object models;
  for (const auto& v : state->versions) {
    if (!only_model.empty() && v.model != only_model) continue;
    auto& m = models[v.model];
    if (!m.is_object()) m = json::object{{"versions", json::array()}, {"aliases", json::object()}};
    m.as_object()["versions"].as_array().push_back(to_json(v));
  }
  for (const auto& a : state->aliases) {
    auto it = models.find(a.model);
    if (it == models.end()) continue;
    json::object alias{{"version", a.version}, {"author", a.author}, {"updated_ms", a.updated_ms}};
    if (a.alias == "canary" || a.alias == "shadow") alias["percent"] = number(a.percent);
    it->value().as_object()["aliases"].as_object()[a.alias] = std::move(alias);
  }
  if (!only_model.empty() && models.empty()) return Error::not_found("model '" + only_model + "' is not in the registry");
  if (!only_model.empty()) {
    // One model, whole: also who moved each alias, when, and to what (null = removed).
    json::object history;
    std::set<std::string> aliases{"production", "canary", "shadow"};
    for (const auto& a : state->aliases) {
      if (a.model == only_model) aliases.insert(a.alias);
    }
    for (const auto& alias : aliases) {
      auto changes = store.alias_history(only_model, alias);
      if (!changes) return changes.error();
      if (changes->empty()) continue;
      json::array list;
      for (const auto& c : *changes) {
        json::object entry{{"author", c.author}, {"ts_ms", c.ts_ms}};
        entry["version"] = c.version ? json::value(*c.version) : json::value(nullptr);
        if (alias == "canary" || alias == "shadow") entry["percent"] = number(c.percent);
        list.push_back(std::move(entry));
      }
      history[alias] = std::move(list);
    }
    models[only_model].as_object()["history"] = std::move(history);
  }
  return json::object{{"models", std::move(models)}, {"generation", state->generation}};
}

}  // namespace sy::ops
