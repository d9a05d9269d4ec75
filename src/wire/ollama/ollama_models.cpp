#include "wire/ollama/ollama_models.h"

#include <cstdio>

#include <boost/json.hpp>

namespace sy::wire::ollama {

namespace json = boost::json;

std::string parameter_size(uint64_t parameters) {
  if (parameters == 0) return {};
  struct Unit {
    double scale;
    const char* suffix;
  };
  double n = static_cast<double>(parameters);
  for (auto [scale, suffix] : {Unit{1e9, "B"}, Unit{1e6, "M"}, Unit{1e3, "K"}}) {
    if (n >= scale) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f%s", n / scale, suffix);
      return buf;
    }
  }
  return std::to_string(parameters);
}

namespace {

json::object details(const ModelEntry& m) {
  json::array families;
  if (!m.family.empty()) families.push_back(json::string(m.family));
  return json::object{{"parent_model", ""},
                      {"format", m.format},
                      {"family", m.family},
                      {"families", std::move(families)},
                      {"parameter_size", m.parameter_size},
                      {"quantization_level", m.quantization_level}};
}

}  // namespace

std::string format_tags(const std::vector<ModelEntry>& models) {
  json::array list;
  for (const auto& m : models) {
    list.push_back(json::object{{"name", m.name},
                                {"model", m.name},
                                {"modified_at", m.modified_at},
                                {"size", m.size},
                                {"digest", m.digest},
                                {"details", details(m)}});
  }
  return json::serialize(json::object{{"models", std::move(list)}});
}

std::string format_show(const ModelEntry& m) {
  json::object info;
  if (!m.family.empty()) info["general.architecture"] = m.family;
  if (m.parameters > 0) info["general.parameter_count"] = m.parameters;
  if (m.context_length > 0 && !m.family.empty()) info[m.family + ".context_length"] = m.context_length;
  json::array capabilities;
  for (const auto& c : m.capabilities) capabilities.push_back(json::string(c));
  return json::serialize(json::object{{"modelfile", ""},
                                      {"parameters", ""},
                                      {"template", m.chat_template},
                                      {"details", details(m)},
                                      {"model_info", std::move(info)},
                                      {"capabilities", std::move(capabilities)},
                                      {"modified_at", m.modified_at}});
}

std::string format_version(const std::string& version) { return json::serialize(json::object{{"version", version}}); }

}  // namespace sy::wire::ollama
