#pragma once
// The Prometheus text exposition format, as every component writes its own series: a family's
// HELP and TYPE lines once, then one line per label set.
#include <cstdint>
#include <string>
#include <string_view>

namespace sy::core {

inline void metric_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

// `labels` without braces ("model=\"m\""); empty for none.
inline void metric_sample(std::string& out, std::string_view name, std::string_view labels, uint64_t value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

inline void metric_sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(buf).append("\n");
}

}  // namespace sy::core
