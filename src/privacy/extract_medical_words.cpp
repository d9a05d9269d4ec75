// The words the fact patterns (patterns.h) find by their shape: a Latin word by its ending, a Han
// inflammation by 炎. Their spans are facts, which count only next to a person's name.
#include "core/utf8.h"
#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {

std::optional<Span> whole_word(std::string_view text, size_t match_end) {
  size_t start = run_start(text, match_end, is_alpha, 64);
  return Span{start, match_end};
}

std::optional<Span> han_inflammation(std::string_view text, size_t match_end) {
  size_t start = match_end - 3;  // 炎
  if (!core::is_han(core::previous_code_point(text, start))) return std::nullopt;
  // 炎熱, 炎夏, 炎炎, 炎黃 (the weather, the emperors): not an illness.
  for (std::string_view after : {"熱", "热", "夏", "炎", "黃", "黄"}) {
    if (text.substr(match_end).starts_with(after)) return std::nullopt;
  }
  size_t before = start;
  if (before > 0 && text.substr(0, start).ends_with("炎")) return std::nullopt;  // the second 炎 of 炎炎
  return Span{start, match_end};
}

}  // namespace sy::privacy::extract
