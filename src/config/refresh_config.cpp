#include "config/refresh_config.h"

#include <fstream>
#include <sstream>

#include "config/config_paths.h"
#include "config/yaml_reader.h"

namespace sy::config {

namespace {

RefreshConfig parse_refresh(const YAML::Node& doc, const std::string& file) {
  if (!doc || !doc.IsMap()) throw ConfigError(file + ": expected a map with a 'refresh' key");
  YamlMap root(doc, "", file);
  auto node = root.node("refresh");
  if (!node) throw ConfigError(file + ": no 'refresh' key");
  root.reject_unknown();
  YamlMap map(node, "refresh", file);
  RefreshConfig r;
  r.file = file;
  r.model = map.required_string("model");
  r.data = map.required_string("data");
  r.state = map.string("state");
  if (auto train = map.node("train"); train && !train.IsNull()) {
    YamlMap t(train, "refresh.train", file);
    r.train_from = t.string("from");
    r.train_epochs = static_cast<int>(t.integer("epochs", r.train_epochs, 1, 1000));
    r.train_lr = t.number("lr", r.train_lr, 1e-6, 1);
    r.train_warmup = static_cast<int>(t.integer("warmup", r.train_warmup, 0, 10000));
    r.train_threads = static_cast<int>(t.integer("threads", r.train_threads, 1, 256));
    r.out_dir = t.string("out_dir");
    t.reject_unknown();
  }
  if (auto eval = map.node("eval"); eval && !eval.IsNull()) {
    YamlMap e(eval, "refresh.eval", file);
    r.eval_dataset = e.string("dataset");
    r.eval_min_score = e.number("min_score", r.eval_min_score, -1, 1);
    r.eval_max_regression = e.number("max_regression", r.eval_max_regression, -1, 1);
    r.eval_max_p95_latency_ms = e.number("max_p95_latency_ms", r.eval_max_p95_latency_ms, 0, 1e9);
    r.eval_concurrency = static_cast<int>(e.integer("concurrency", r.eval_concurrency, 1, 64));
    e.reject_unknown();
  }
  if (auto canary = map.node("canary"); canary && !canary.IsNull()) {
    YamlMap c(canary, "refresh.canary", file);
    r.canary_percent = c.number("percent", r.canary_percent, 1, 99);
    r.canary_min_requests = c.integer("min_requests", r.canary_min_requests, 1, 100'000'000);
    r.canary_min_duration = c.string("min_duration", r.canary_min_duration);
    r.canary_max_duration = c.string("max_duration", r.canary_max_duration);
    r.canary_interval = c.string("interval", r.canary_interval);
    c.reject_unknown();
  }
  map.reject_unknown();
  auto base = config_dir(file);
  for (auto* path : {&r.data, &r.train_from, &r.out_dir, &r.eval_dataset, &r.state}) *path = resolve_path(base, *path);
  if (r.state.empty()) r.state = file + ".state.json";
  return r;
}

}  // namespace

core::Result<RefreshConfig> load_refresh_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Error::invalid_request("cannot read refresh file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse_refresh(YAML::Load(ss.str()), path);
  } catch (const ConfigError& e) {
    return core::Error::invalid_request(e.what());
  } catch (const YAML::Exception& e) {
    return core::Error::invalid_request(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace sy::config
