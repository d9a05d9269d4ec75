#include "eval/scorers.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <boost/json.hpp>

#include "core/json_schema_check.h"
#include "core/utf8.h"

namespace sy::eval {

namespace {

bool is_ascii_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Punctuation and spaces outside ASCII that must not count as words: general punctuation,
// CJK symbols and punctuation (、。「」), full-width forms' punctuation.
bool is_wide_punctuation(char32_t cp) {
  return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xA0;
}

}  // namespace

std::string normalize(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> rouge_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_ascii_word(static_cast<char>(c))) word += static_cast<char>(std::tolower(c));
      else flush();
      ++i;
      continue;
    }
    flush();
    size_t start = i;
    char32_t cp = core::next_code_point(text, i);
    if (i == start) ++i;  // not valid UTF-8: skip the byte
    if (!is_wide_punctuation(cp)) tokens.emplace_back(text.substr(start, i - start));
  }
  flush();
  return tokens;
}

double rouge_l(std::string_view candidate, std::string_view reference) {
  auto a = rouge_tokens(candidate);
  auto b = rouge_tokens(reference);
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  // One row of the LCS table at a time: answers are short, but a runaway answer must not
  // allocate |a| x |b|.
  std::vector<size_t> prev(b.size() + 1, 0), row(b.size() + 1, 0);
  for (const auto& token : a) {
    for (size_t j = 1; j <= b.size(); ++j) row[j] = token == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], row[j - 1]);
    std::swap(prev, row);
  }
  double lcs = static_cast<double>(prev[b.size()]);
  if (lcs == 0) return 0;
  double precision = lcs / static_cast<double>(a.size());
  double recall = lcs / static_cast<double>(b.size());
  return 2 * precision * recall / (precision + recall);
}

CheckScore score_text_check(const Check& check, std::string_view answer, std::string_view expected) {
  switch (check.kind) {
    case CheckKind::exact: {
      bool same = normalize(answer) == normalize(expected);
      return {same ? 1.0 : 0.0, same ? "" : "not the expected text"};
    }
    case CheckKind::contains: {
      std::string needle = normalize(check.value.empty() ? expected : check.value);
      bool found = normalize(answer).find(needle) != std::string::npos;
      return {found ? 1.0 : 0.0, found ? "" : "does not contain \"" + needle + "\""};
    }
    case CheckKind::regex: {
      try {
        std::regex re(check.value, std::regex::ECMAScript);
        bool found = std::regex_search(answer.begin(), answer.end(), re);
        return {found ? 1.0 : 0.0, found ? "" : "no match for /" + check.value + "/"};
      } catch (const std::regex_error& e) {
        return {0.0, "the pattern does not compile: " + std::string(e.what())};
      }
    }
    case CheckKind::rouge_l: {
      double score = rouge_l(answer, expected);
      return {score, score >= pass_mark(check) ? "" : "ROUGE-L below " + std::to_string(pass_mark(check)).substr(0, 4)};
    }
    case CheckKind::json_schema: {
      auto violation = core::json_schema_violation(answer, check.schema);
      return {violation ? 0.0 : 1.0, violation.value_or("")};
    }
    default: return {0.0, "needs a model"};
  }
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  if (na == 0 || nb == 0) return 0;
  return dot / (std::sqrt(na) * std::sqrt(nb));
}

std::optional<double> judge_score(std::string_view reply) {
  for (char c : reply) {
    if (c >= '1' && c <= '5') return (c - '1') / 4.0;
    if (c >= '0' && c <= '9') return std::nullopt;  // 0, 6..9: not on the scale
  }
  return std::nullopt;
}

}  // namespace sy::eval
