// Credentials given by assignment: `password=...`, `passwd: ...`, `"secret": "..."`, `密碼：...`.
// The finding is the value only, so that redaction keeps the key ("password=[PASSWORD_1]") and the
// model still understands the sentence. The key alone (no value, or a stand-in such as "***",
// "<password>", "${DB_PASSWORD}") is not sensitive.
#include <algorithm>
#include <array>
#include <string>

#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {
namespace {

// Characters that end an unquoted value: space, quotes, and any non-ASCII byte (a Han character or
// full-width punctuation after the value in Chinese text).
bool value_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '"' && c != '\'' && c != '`';
}

// ',', ';' and '&' are fine inside a password ("8m?^ThWsq&%LGzLZ") but also end one: before the
// next key of a query or connection string ("&user=", ";Database=") or before a space (prose).
bool ends_value(std::string_view text, size_t pos) {
  char c = text[pos];
  if (c != ',' && c != ';' && c != '&') return false;
  if (pos + 1 == text.size() || !value_char(text[pos + 1])) return true;
  size_t key_end = run_end(
      text, pos + 1, [](char k) { return is_alnum(k) || k == '_' || k == '-' || k == '.'; }, 64);
  return key_end > pos + 1 && at_is(text, key_end, [](char k) { return k == '='; });
}

size_t unquoted_value_end(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size() && end - pos < 256 && value_char(text[end]) && !ends_value(text, end)) ++end;
  return end;
}

bool is_stand_in(std::string_view value) {
  if (value.empty()) return true;
  char first = value.front();
  // Templates and references: <password>, {{pw}}, ${DB_PASSWORD}, $PGPASSWORD, %s, [REDACTED], and
  // this scanner's own placeholders ([PASSWORD_1]) when redacted text is scanned again.
  if (first == '<' || first == '{' || first == '$' || first == '%' || first == '[' || first == '(') return true;
  bool one_char = std::all_of(value.begin(), value.end(), [&](char c) { return c == first; });
  if (one_char) return true;  // ********, xxxxxxxx, ....
  if (std::all_of(value.begin(), value.end(), [](char c) { return c == '*' || c == '.' || c == 'x' || c == 'X'; })) {
    return true;
  }
  std::string lower;
  for (char c : value) {
    if (is_alnum(c)) lower.push_back(is_upper(c) ? static_cast<char>(c + 32) : c);
  }
  static constexpr std::array kWords = {
      "password", "passwd", "secret",    "pwd",   "yourpassword", "redacted",    "hidden", "masked", "none",
      "null",     "nil",    "undefined", "empty", "required",     "optional",    "string", "str",    "true",
      "false",    "na",     "tbd",       "todo",  "example",      "placeholder", "xxx",    "value"};
  for (const char* word : kWords) {
    if (lower == word) return true;
  }
  return lower.starts_with("your") || lower.starts_with("enter") || lower.ends_with("here");
}

// After "password: " in prose, the next word may just be prose ("Reset your password: go to
// settings"). There the value must look like a password: a digit or a symbol, or mixed case.
bool looks_like_password(std::string_view value) {
  bool lower = false, upper = false, other = false;
  for (char c : value) {
    if (is_lower(c)) {
      lower = true;
    } else if (is_upper(c)) {
      upper = true;
    } else {
      other = true;
    }
  }
  return value.size() >= 4 && (other || (lower && upper));
}

}  // namespace

std::optional<Span> password_value(std::string_view text, size_t match_end) {
  // The anchor ends with its separator: '=' or ':' (ASCII), "：" (full width), or 是/為 ("is").
  char separator = text[match_end - 1];
  size_t pos = match_end;
  size_t spaces = 0;
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos, ++spaces;

  size_t start = pos, end = pos;
  bool quoted = false;
  // A quoted value ends at its closing quote, looked for in the next 256 bytes only (so that many
  // unclosed quotes cost linear time, not quadratic).
  auto closing = [&](std::string_view quote, size_t from) {
    return text.substr(0, std::min(text.size(), from + 256)).find(quote, from);
  };
  if (pos + 1 < text.size() && text[pos] == '\\' && text[pos + 1] == '"') {  // escaped JSON: \"hunter2\"
    size_t close = closing("\\\"", pos + 2);
    if (close == std::string_view::npos) return std::nullopt;
    start = pos + 2, end = close, quoted = true;
  } else if (at_is(text, pos, [](char c) { return c == '"' || c == '\'' || c == '`'; })) {
    size_t close = closing(text.substr(pos, 1), pos + 1);
    if (close == std::string_view::npos) return std::nullopt;
    if (text.substr(pos + 1, close - pos - 1).find('\n') != std::string_view::npos) return std::nullopt;
    start = pos + 1, end = close, quoted = true;
  } else if (text.substr(pos, 3) == "\xe3\x80\x8c") {  // 「hunter2」
    size_t close = closing("\xe3\x80\x8d", pos + 3);
    if (close == std::string_view::npos) return std::nullopt;
    start = pos + 3, end = close, quoted = true;
  } else {
    end = unquoted_value_end(text, pos);
    while (end > start && (text[end - 1] == '.' || text[end - 1] == ')')) --end;  // "password=hunter2."
  }
  std::string_view value = text.substr(start, end - start);
  if (is_stand_in(value)) return std::nullopt;
  bool prose_like = !quoted && separator == ':' && spaces > 0;
  if (prose_like && !looks_like_password(value)) return std::nullopt;
  return Span{start, end};
}

}  // namespace sy::privacy::extract
