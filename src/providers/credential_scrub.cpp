#include "providers/credential_scrub.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <spdlog/spdlog.h>

namespace sy::providers {

namespace {

constexpr std::string_view kRedacted = "[redacted]";
// An echoed secret is recognised from this many of its characters on (a truncated echo, "sk-proj-
// abcdefgh…", still gives most of a key away).
constexpr size_t kMinEchoedPart = 8;

bool token_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '/' || c == '+' || c == '=' || c == ':';
}

bool iequal_at(std::string_view text, size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  }
  return true;
}

// Replaces [from, to) of `s` and returns where scanning goes on.
size_t redact(std::string& s, size_t from, size_t to) {
  s.replace(from, to - from, kRedacted);
  return from + kRedacted.size();
}

// The secret itself, and its beginnings and ends down to kMinEchoedPart characters: upstreams that
// echo a key in part show its start or its end ("sk-proj-abcd…", "…wxyz").
void redact_secret(std::string& s, std::string_view secret) {
  if (secret.size() < kMinEchoedPart) return;  // a short header value ("beta") is no credential
  auto redact_all = [&s](std::string_view part) {
    for (size_t at = s.find(part); at != std::string::npos; at = s.find(part, at)) at = redact(s, at, at + part.size());
  };
  for (size_t len = secret.size(); len >= kMinEchoedPart; --len) {
    redact_all(secret.substr(0, len));
    if (len < secret.size()) redact_all(secret.substr(secret.size() - len));
  }
}

// Header names whose values are credentials, as an echo would print them ("authorization: …",
// "x-api-key=…", "\"api-key\": \"…\"").
constexpr std::array<std::string_view, 10> kSecretHeaders = {
    "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "openai-organization",
    "openai-project", "x-amz-security-token", "cookie", "x-amz-content-sha256"};

// After a secret header's name: separators (quotes, ':', '=', spaces), then the value up to the
// end of the line or a quote. Returns the value's span, or npos.
std::pair<size_t, size_t> header_value(std::string_view s, size_t after_name) {
  size_t i = after_name;
  bool separated = false;
  while (i < s.size() && (s[i] == '"' || s[i] == '\'' || s[i] == ':' || s[i] == '=' || s[i] == ' ' || s[i] == '\t')) {
    separated = separated || s[i] == ':' || s[i] == '=';
    ++i;
  }
  if (!separated || i >= s.size()) return {std::string_view::npos, 0};
  size_t end = i;
  while (end < s.size() && s[end] != '\n' && s[end] != '\r' && s[end] != '"' && s[end] != '\'' && s[end] != ',' &&
         s[end] != '}' && s[end] != ';') {
    ++end;
  }
  return {i, end};
}

void redact_header_echoes(std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    for (auto name : kSecretHeaders) {
      if (!iequal_at(s, i, name)) continue;
      if (i > 0 && (std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '-')) continue;
      auto [from, to] = header_value(s, i + name.size());
      if (from == std::string_view::npos || to <= from) continue;
      redact(s, from, to);
      break;
    }
  }
}

// "Bearer <token>" and "Basic <token>" anywhere, and tokens with the prefixes providers give keys.
void redact_token_shapes(std::string& s) {
  constexpr std::array<std::string_view, 2> kSchemes = {"bearer ", "basic "};
  for (size_t i = 0; i < s.size(); ++i) {
    for (auto scheme : kSchemes) {
      if (!iequal_at(s, i, scheme)) continue;
      size_t from = i + scheme.size();
      while (from < s.size() && s[from] == ' ') ++from;
      size_t to = from;
      while (to < s.size() && token_char(s[to])) ++to;
      if (to > from && std::string_view(s).substr(from, to - from) != kRedacted) redact(s, from, to);
    }
  }
  constexpr std::array<std::string_view, 8> kPrefixes = {"sk-", "sk_", "org-", "proj_", "AKIA", "ASIA", "AIza", "eyJ"};
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && token_char(s[i - 1])) continue;
    for (auto prefix : kPrefixes) {
      if (s.compare(i, prefix.size(), prefix) != 0) continue;
      size_t to = i + prefix.size();
      while (to < s.size() && token_char(s[to])) ++to;
      if (to - i - prefix.size() >= 6) {
        redact(s, i, to);
        break;
      }
    }
  }
}

}  // namespace

std::vector<std::string> secrets_of(const config::ModelConfig& t) {
  std::vector<std::string> out;
  for (const auto* v : {&t.api_key, &t.access_key_id, &t.secret_access_key, &t.session_token}) {
    if (!v->empty()) out.push_back(*v);
  }
  for (const auto& [name, value] : t.headers) {
    if (!value.empty()) out.push_back(value);
  }
  // Longest first, so a key that contains another is taken whole.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return out;
}

std::string scrub_credentials(std::string_view text, const std::vector<std::string>& secrets) {
  std::string s(text);
  for (const auto& secret : secrets) redact_secret(s, secret);
  redact_header_echoes(s);
  redact_token_shapes(s);
  return s;
}

void settle_upstream_words(core::Error& error, const config::ModelConfig& target) {
  if (error.upstream_message.empty()) return;
  auto words = scrub_credentials(error.upstream_message, secrets_of(target));
  error.upstream_message.clear();
  spdlog::warn("target '{}': upstream error {}: {}", target.name, error.upstream_status, words);
  if (error.status == 400) error.message += ": " + words;
}

}  // namespace sy::providers
