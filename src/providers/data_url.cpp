#include "providers/data_url.h"

namespace sy::providers {

std::optional<DataUrl> parse_data_url(std::string_view url) {
  if (url.substr(0, 5) != "data:") return std::nullopt;
  auto comma = url.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto meta = url.substr(5, comma - 5);
  if (meta.size() < 7 || meta.substr(meta.size() - 7) != ";base64") return std::nullopt;
  DataUrl d;
  d.mime = std::string(meta.substr(0, meta.find(';')));
  d.base64 = std::string(url.substr(comma + 1));
  if (d.mime.empty() || d.base64.empty()) return std::nullopt;
  return d;
}

}  // namespace sy::providers
