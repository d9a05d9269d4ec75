// Credentials with a recognisable prefix: cloud keys, API keys, tokens, JWTs, PEM private keys.
// The anchors are the prefixes; here the value is read to its end and told apart from the
// stand-ins that documentation and questions are full of ("sk-...", "YOUR_API_KEY", "ghp_xxxx").
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {
namespace {

bool key_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool word_char(char c) { return is_alnum(c) || c == '_'; }

bool has_digit_and_letter(std::string_view s) {
  bool digit = false, letter = false;
  for (char c : s) {
    digit = digit || is_digit(c);
    letter = letter || is_alpha(c);
  }
  return digit && letter;
}

// A prefixed token: [start, start + prefix) is the prefix, the body runs while `body_char` holds.
// Real keys are random: long enough, mixing letters and digits, and not a placeholder.
// `need_digit`: for prefixes common in prose ("sk-"), a body without a digit is more likely words
// than a key; GitHub and Hugging Face prefixes are distinctive, and their bodies may be all letters.
template <class BodyChar>
std::optional<Span> prefixed_token(std::string_view text, size_t start, size_t prefix, BodyChar body_char,
                                   size_t min_body, bool need_digit = true) {
  if (before_is(text, start, key_char)) return std::nullopt;  // "task-force", "my_sk_live_..."
  size_t end = run_end(text, start + prefix, body_char, 1024);
  if (at_is(text, end, body_char)) return std::nullopt;  // absurdly long: not a key
  std::string_view body = text.substr(start + prefix, end - start - prefix);
  if (body.size() < min_body || looks_like_placeholder(body)) return std::nullopt;
  if (need_digit && !has_digit_and_letter(body)) return std::nullopt;
  return Span{start, end};
}

// JOSE headers are JSON objects that name their algorithm; decoding the header (base64url) and
// looking for "alg" tells a JWT from any other dotted base64.
bool jwt_header_valid(std::string_view b64) {
  auto value = [](char c) -> int {
    if (is_upper(c)) return c - 'A';
    if (is_lower(c)) return c - 'a' + 26;
    if (is_digit(c)) return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  std::string decoded;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64.substr(0, 1024)) {
    int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      decoded.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return decoded.starts_with("{") && decoded.find("\"alg\"") != std::string::npos;
}

// Separators between PEM body lines: real newlines, or "\n" escapes when the key was pasted from
// a JSON file (service-account keys are).
size_t skip_pem_separators(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    if (is_space(text[pos])) {
      ++pos;
    } else if (text[pos] == '\\' && pos + 1 < text.size() && (text[pos + 1] == 'n' || text[pos + 1] == 'r')) {
      pos += 2;
    } else {
      break;
    }
  }
  return pos;
}

}  // namespace

bool looks_like_placeholder(std::string_view value) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return is_upper(c) ? c + 32 : c; });
  static constexpr std::array kWords = {"your",   "example", "placeholder", "redacted", "xxxx",   "dummy",   "fake",
                                        "sample", "here",    "insert",      "replace",  "...",    "****",    "<",
                                        ">",      "{",       "}",           "abcdef",   "123456", "changeme"};
  for (const char* word : kWords) {
    if (lower.find(word) != std::string::npos) return true;
  }
  // Six times the same character ("AAAAAA", "000000") does not happen in a random key.
  size_t same = 1;
  for (size_t i = 1; i < value.size(); ++i) {
    same = value[i] == value[i - 1] ? same + 1 : 1;
    if (same >= 6) return true;
  }
  return false;
}

std::optional<Span> aws_access_key(std::string_view text, size_t match_end) {
  size_t start = match_end - 20;
  if (!isolated(text, start, match_end)) return std::nullopt;
  std::string_view key = text.substr(start, 20);
  // AWS's documentation key, AKIAIOSFODNN7EXAMPLE, and its kin.
  if (key.ends_with("EXAMPLE") || looks_like_placeholder(key.substr(4))) return std::nullopt;
  return Span{start, match_end};
}

std::optional<Span> openai_style_key(std::string_view text, size_t match_end) {
  // sk-..., sk-proj-..., sk-ant-api03-..., sk-svcacct-...: the random part is 20+ characters.
  return prefixed_token(text, match_end - 4, 3, key_char, 20);
}

std::optional<Span> stripe_key(std::string_view text, size_t match_end) {
  return prefixed_token(text, match_end - 9, 8, word_char, 16);  // sk_live_ / rk_test_ + 16+
}

std::optional<Span> google_api_key(std::string_view text, size_t match_end) {
  size_t start = match_end - 39;
  if (before_is(text, start, key_char) || at_is(text, match_end, key_char)) return std::nullopt;
  if (looks_like_placeholder(text.substr(start + 4, 35))) return std::nullopt;
  return Span{start, match_end};
}

std::optional<Span> slack_token(std::string_view text, size_t match_end) {
  return prefixed_token(text, match_end - 6, 5, key_char, 20);
}

std::optional<Span> huggingface_token(std::string_view text, size_t match_end) {
  return prefixed_token(text, match_end - 33, 3, is_alnum, 30, false);
}

std::optional<Span> github_classic_token(std::string_view text, size_t match_end) {
  return prefixed_token(text, match_end - 40, 4, is_alnum, 36, false);  // ghp_ + 36
}

std::optional<Span> github_fine_grained_token(std::string_view text, size_t match_end) {
  return prefixed_token(text, match_end - 33, 11, word_char, 22, false);  // github_pat_ + 22 + _ + 59
}

std::optional<Span> jwt(std::string_view text, size_t match_end) {
  size_t start = match_end - 13;
  auto glued = [](char c) { return is_base64url(c) || c == '.'; };
  if (before_is(text, start, glued)) return std::nullopt;
  size_t header_end = run_end(text, start, is_base64url, 8192);
  if (!at_is(text, header_end, [](char c) { return c == '.'; })) return std::nullopt;
  size_t payload_end = run_end(text, header_end + 1, is_base64url, 65536);
  if (payload_end - header_end - 1 < 4 || text.substr(header_end + 1, 3) != "eyJ") return std::nullopt;
  if (!at_is(text, payload_end, [](char c) { return c == '.'; })) return std::nullopt;
  size_t end = run_end(text, payload_end + 1, is_base64url, 8192);  // empty for alg "none"
  if (at_is(text, end, is_base64url)) return std::nullopt;
  if (!jwt_header_valid(text.substr(start, header_end - start))) return std::nullopt;
  return Span{start, end};
}

std::optional<Span> private_key(std::string_view text, size_t match_end) {
  size_t from = match_end > 64 ? match_end - 64 : 0;  // the anchor is at most ~70 bytes long
  size_t start = text.substr(0, match_end).rfind("-----BEGIN");
  if (start == std::string_view::npos || start < from) return std::nullopt;
  size_t pos = match_end;
  if (text.substr(pos, 6) == " BLOCK") pos += 6;  // PGP
  if (text.substr(pos, 5) != "-----") return std::nullopt;
  pos += 5;

  // Key material, not a mention of the marker or a stand-in ("...", "<your key>"): the first body
  // line (after Proc-Type/DEK-Info headers of legacy encrypted keys) is a long base64 run.
  size_t body = skip_pem_separators(text, pos);
  for (int headers = 0; headers < 4; ++headers) {
    size_t colon = run_end(
        text, body, [](char c) { return is_alnum(c) || c == '-'; }, 64);
    if (!at_is(text, colon, [](char c) { return c == ':'; })) break;
    std::string_view line = text.substr(colon, 256);
    size_t eol = std::min(line.find('\n'), line.find("\\n"));
    if (eol == std::string_view::npos) return std::nullopt;
    eol += colon;
    body = skip_pem_separators(text, eol);
  }
  size_t run = run_end(text, body, is_base64, 8192);
  if (run - body < 16) return std::nullopt;

  // The block ends at its END line; a key pasted without one ends where the base64 lines stop.
  // The END line is the next "-----" after the body; anything else there (another BEGIN) means
  // this block has none. Looking no further than that keeps many BEGINs without END linear.
  size_t marker = text.substr(0, std::min(text.size(), run + 65536)).find("-----", run);
  if (marker != std::string_view::npos && text.substr(marker, 8) == "-----END") {
    size_t close = text.substr(0, std::min(text.size(), marker + 80)).find("-----", marker + 8);
    if (close != std::string_view::npos) return Span{start, close + 5};
  }
  size_t end = run;
  for (;;) {
    size_t next = skip_pem_separators(text, end);
    size_t line_end = run_end(text, next, is_base64, 8192);
    if (next == end || line_end == next) break;
    if (line_end < text.size() && !is_space(text[line_end]) && text[line_end] != '\\') break;  // prose
    end = line_end;
  }
  return Span{start, end};
}

}  // namespace sy::privacy::extract
