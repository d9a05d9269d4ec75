#include "core/chat.h"

namespace sy::core {

std::string Message::text() const {
  std::string out;
  for (const auto& p : parts) {
    if (p.kind != ContentPart::Kind::text) continue;
    if (!out.empty()) out += '\n';
    out += p.text;
  }
  return out;
}

}  // namespace sy::core
