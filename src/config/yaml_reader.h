#pragma once
// Strict reading of one YAML mapping: every key must be asked for, or it is reported as unknown
// with its line. Values are interpolated from the environment as they are read.
#include <chrono>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace sy::config {

// Thrown only while loading the config; load_*() turns it into an Error value.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class YamlMap {
 public:
  YamlMap(const YAML::Node& node, std::string path, const std::string& file);

  bool has(const std::string& key);
  std::string string(const std::string& key, const std::string& fallback = {});
  std::string required_string(const std::string& key);
  int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  double number(const std::string& key, double fallback, double min, double max);
  bool boolean(const std::string& key, bool fallback);
  std::chrono::milliseconds duration(const std::string& key, std::chrono::milliseconds fallback);
  uint64_t bytes(const std::string& key, uint64_t fallback);
  std::vector<std::string> string_list(const std::string& key, std::vector<std::string> fallback = {});
  YAML::Node node(const std::string& key);  // raw child, marked as known
  void accept(const std::string& key);      // known key read elsewhere, or not yet active

  // Throws for the first key nobody asked for.
  void reject_unknown() const;

  int line() const { return node_.Mark().line + 1; }
  [[noreturn]] void fail(const std::string& key, const std::string& why) const;
  std::string where(const std::string& key) const;

 private:
  std::string scalar(const std::string& key, const YAML::Node& value) const;

  YAML::Node node_;
  std::string path_;
  const std::string& file_;
  std::set<std::string> known_;
};

}  // namespace sy::config
