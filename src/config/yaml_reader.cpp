#include "config/yaml_reader.h"

#include <cctype>
#include <algorithm>
#include <charconv>
#include <vector>

#include "config/env_interpolate.h"

namespace sy::config {

namespace {
int line_of(const YAML::Node& n) { return n.Mark().line + 1; }
}  // namespace

YamlMap::YamlMap(const YAML::Node& node, std::string path, const std::string& file)
    : node_(node), path_(std::move(path)), file_(file) {
  if (!node_.IsMap()) {
    throw ConfigError(file_ + ":" + std::to_string(line_of(node_)) + ": " +
                      (path_.empty() ? std::string("the config") : path_) + " must be a mapping");
  }
}

std::string YamlMap::where(const std::string& key) const {
  std::string full = path_.empty() ? key : path_ + "." + key;
  auto v = node_[key];
  int line = v ? line_of(v) : line_of(node_);
  return file_ + ":" + std::to_string(line) + ": '" + full + "'";
}

void YamlMap::fail(const std::string& key, const std::string& why) const {
  throw ConfigError(where(key) + " " + why);
}

bool YamlMap::has(const std::string& key) {
  known_.insert(key);
  auto v = node_[key];
  return v && !v.IsNull();
}

void YamlMap::accept(const std::string& key) { known_.insert(key); }

YAML::Node YamlMap::node(const std::string& key) {
  known_.insert(key);
  return node_[key];
}

std::string YamlMap::scalar(const std::string& key, const YAML::Node& value) const {
  if (!value.IsScalar()) fail(key, "must be a single value");
  auto r = interpolate_env(value.Scalar(), process_env);
  if (!r.missing_variable.empty()) {
    fail(key, "uses ${" + r.missing_variable + "}, which is not set in the environment "
              "(write ${" + r.missing_variable + ":-default} to allow that)");
  }
  return r.value;
}

std::string YamlMap::string(const std::string& key, const std::string& fallback) {
  if (!has(key)) return fallback;
  return scalar(key, node_[key]);
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string YamlMap::required_string(const std::string& key) {
  if (!has(key)) {
    // A missing required key is most often a typo of it: name the typo, it is the real error.
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      auto written = it->first.as<std::string>();
      if (known_.count(written) == 0 && edit_distance(written, key) <= 2) {
        std::string full = path_.empty() ? written : path_ + "." + written;
        throw ConfigError(file_ + ":" + std::to_string(line_of(it->first)) + ": unknown key '" + full +
                          "' (did you mean '" + key + "'?)");
      }
    }
    fail(key, "is required");
  }
  auto v = scalar(key, node_[key]);
  if (v.empty()) fail(key, "must not be empty");
  return v;
}

int64_t YamlMap::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  if (!has(key)) return fallback;
  auto text = scalar(key, node_[key]);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) fail(key, "must be an integer, got '" + text + "'");
  if (v < min || v > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

double YamlMap::number(const std::string& key, double fallback, double min, double max) {
  if (!has(key)) return fallback;
  auto text = scalar(key, node_[key]);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) fail(key, "must be a number, got '" + text + "'");
  if (!(v >= min && v <= max)) fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

bool YamlMap::boolean(const std::string& key, bool fallback) {
  if (!has(key)) return fallback;
  auto text = scalar(key, node_[key]);
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  fail(key, "must be true or false, got '" + text + "'");
}

namespace {
// "250ms", "5s", "2m", "1h"; a bare number is seconds.
bool parse_duration(const std::string& text, std::chrono::milliseconds& out) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return false;
  double n = 0;
  try { n = std::stod(text.substr(0, i)); } catch (...) { return false; }
  std::string unit = text.substr(i);
  double ms = 0;
  if (unit.empty() || unit == "s") ms = n * 1000;
  else if (unit == "ms") ms = n;
  else if (unit == "m") ms = n * 60'000;
  else if (unit == "h") ms = n * 3'600'000;
  else return false;
  out = std::chrono::milliseconds(static_cast<int64_t>(ms));
  return true;
}

// "16MiB", "512KiB", "1GiB", "1000"; KB/MB/GB are decimal.
bool parse_bytes(const std::string& text, uint64_t& out) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 15) return false;
  uint64_t n = std::stoull(text.substr(0, i));
  std::string unit = text.substr(i);
  uint64_t mult = 1;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB") mult = 1ull << 10;
  else if (unit == "MiB") mult = 1ull << 20;
  else if (unit == "GiB") mult = 1ull << 30;
  else if (unit == "KB") mult = 1000;
  else if (unit == "MB") mult = 1000'000;
  else if (unit == "GB") mult = 1000'000'000;
  else return false;
  if (n > UINT64_MAX / mult) return false;
  out = n * mult;
  return true;
}
}  // namespace

std::chrono::milliseconds YamlMap::duration(const std::string& key, std::chrono::milliseconds fallback) {
  if (!has(key)) return fallback;
  auto text = scalar(key, node_[key]);
  std::chrono::milliseconds v{};
  if (!parse_duration(text, v) || v.count() <= 0) {
    fail(key, "must be a positive duration like 500ms, 30s, 5m; got '" + text + "'");
  }
  return v;
}

uint64_t YamlMap::bytes(const std::string& key, uint64_t fallback) {
  if (!has(key)) return fallback;
  auto text = scalar(key, node_[key]);
  uint64_t v = 0;
  if (!parse_bytes(text, v) || v == 0) fail(key, "must be a size like 16MiB or 65536; got '" + text + "'");
  return v;
}

std::vector<std::string> YamlMap::string_list(const std::string& key, std::vector<std::string> fallback) {
  if (!has(key)) return fallback;
  auto v = node_[key];
  if (v.IsScalar()) return {scalar(key, v)};
  if (!v.IsSequence()) fail(key, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : v) out.push_back(scalar(key, item));
  return out;
}

void YamlMap::reject_unknown() const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    auto key = it->first.as<std::string>();
    if (known_.count(key) == 0) {
      std::string full = path_.empty() ? key : path_ + "." + key;
      throw ConfigError(file_ + ":" + std::to_string(line_of(it->first)) + ": unknown key '" + full + "'");
    }
  }
}

}  // namespace sy::config
