#include "privacy/restorer.h"

#include <algorithm>

namespace sy::privacy {

Restorer::Restorer(const std::vector<std::pair<std::string, std::string>>& mapping) {
  for (const auto& [placeholder, original] : mapping) {
    originals_.emplace(placeholder, original);
    longest_ = std::max(longest_, placeholder.size());
  }
}

bool Restorer::could_become_placeholder(std::string_view tail) const {
  if (tail.size() >= longest_) return false;
  return std::any_of(originals_.begin(), originals_.end(),
                     [&](const auto& entry) { return std::string_view(entry.first).starts_with(tail); });
}

std::string Restorer::push(std::string_view chunk) {
  pending_.append(chunk);
  std::string out;
  out.reserve(pending_.size());
  std::string_view rest = pending_;
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t open = rest.find('[', pos);
    if (open == std::string_view::npos) {
      out.append(rest.substr(pos));
      pos = rest.size();
      break;
    }
    out.append(rest.substr(pos, open - pos));
    size_t close = rest.find(']', open);
    if (close != std::string_view::npos && close - open < longest_) {
      auto it = originals_.find(std::string(rest.substr(open, close - open + 1)));
      if (it != originals_.end()) {
        out += it->second;
        pos = close + 1;
        continue;
      }
    }
    if (close == std::string_view::npos && could_become_placeholder(rest.substr(open))) {
      pos = open;  // hold "[EMA" back until the next chunk says what it is
      break;
    }
    out.push_back('[');
    pos = open + 1;
  }
  pending_.erase(0, pos);
  return out;
}

std::string Restorer::flush() {
  std::string out = std::move(pending_);
  pending_.clear();
  return out;
}

}  // namespace sy::privacy
