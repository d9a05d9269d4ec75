// Addresses: e-mail, IPv4, IPv6. Each anchor match only says "an address may end near here"; the
// value is re-read here as the maximal run of its characters, so that the reported span is the
// whole address however many times the anchor matched inside it.
#include <arpa/inet.h>

#include <cstring>

#include "privacy/boundaries.h"
#include "privacy/extractors.h"

namespace sy::privacy::extract {
namespace {

bool local_part_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

bool domain_valid(std::string_view domain) {
  size_t labels = 0;
  std::string_view last;
  while (!domain.empty()) {
    size_t dot = domain.find('.');
    std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    last = label;
    ++labels;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  if (labels < 2 || last.size() < 2) return false;
  for (char c : last) {
    if (!is_alpha(c)) return false;  // a TLD is letters; "1.2" after an @ is not a domain
  }
  return true;
}

}  // namespace

std::optional<Span> email(std::string_view text, size_t match_end) {
  size_t at = match_end - 2;  // the anchor is "@" plus one domain character
  size_t start = run_start(text, at, local_part_char, 65);
  if (at - start > 64 && before_is(text, start, local_part_char)) return std::nullopt;  // too long for a local part
  while (start < at && !is_alnum(text[start])) ++start;                                 // "(-john@x.io" starts at j
  if (start == at) return std::nullopt;
  std::string_view local = text.substr(start, at - start);
  if (local.back() == '.' || local.find("..") != std::string_view::npos) return std::nullopt;

  size_t run = run_end(text, at + 1, domain_char, 254);
  if (at_is(text, run, domain_char) || at_is(text, run, [](char c) { return c == '@'; })) return std::nullopt;
  size_t end = run;
  while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;  // "write to a@b.io."
  if (!domain_valid(text.substr(at + 1, end - at - 1))) return std::nullopt;
  return Span{start, end};
}

std::optional<Span> ipv4(std::string_view text, size_t match_end) {
  auto ip_char = [](char c) { return is_digit(c) || c == '.'; };
  size_t start = run_start(text, match_end, ip_char, 64);
  size_t end = run_end(text, match_end, ip_char, 64);
  while (end > start && text[end - 1] == '.') --end;  // a sentence's full stop
  if (start == end || text[start] == '.' || !isolated(text, start, end)) return std::nullopt;
  // Exactly four decimal octets, none above 255 and none with a leading zero (those are version
  // numbers and dates, "1.02.03.2024"); five parts are a version string.
  std::string_view rest = text.substr(start, end - start);
  for (int part = 0; part < 4; ++part) {
    size_t dot = rest.find('.');
    if ((part < 3) == (dot == std::string_view::npos)) return std::nullopt;
    std::string_view octet = rest.substr(0, dot);
    if (octet.empty() || octet.size() > 3 || (octet.size() > 1 && octet[0] == '0')) return std::nullopt;
    int value = 0;
    for (char c : octet) value = value * 10 + (c - '0');
    if (value > 255) return std::nullopt;
    if (dot != std::string_view::npos) rest.remove_prefix(dot + 1);
  }
  return Span{start, end};
}

std::optional<Span> ipv6(std::string_view text, size_t match_end) {
  auto v6_char = [](char c) { return is_hex(c) || c == ':' || c == '.'; };
  size_t start = run_start(text, match_end, v6_char, 64);
  size_t end = run_end(text, match_end, v6_char, 64);
  while (end > start && text[end - 1] == '.') --end;
  if (end > start + 1 && text[end - 1] == ':' && text[end - 2] != ':') --end;  // "at fe80::1:" ends a clause
  if (end - start < 3 || end - start > 45 || !isolated(text, start, end)) return std::nullopt;
  if (before_is(text, start, [](char c) { return c == '_'; })) return std::nullopt;
  std::string_view candidate = text.substr(start, end - start);

  // inet_pton decides the syntax; on top of it, hex-only words glued by "::" (C++'s Dec::fab) and
  // a bare "::1" are not addresses anyone needs protected: ask for a digit and two groups.
  bool has_digit = false;
  size_t groups = 0;
  for (size_t i = 0; i < candidate.size(); ++i) {
    has_digit = has_digit || is_digit(candidate[i]);
    if (candidate[i] != ':' && (i == 0 || candidate[i - 1] == ':')) ++groups;
  }
  if (!has_digit || groups < 2) return std::nullopt;
  char buf[64];
  std::memcpy(buf, candidate.data(), candidate.size());
  buf[candidate.size()] = '\0';
  unsigned char addr[16];
  if (inet_pton(AF_INET6, buf, addr) != 1) return std::nullopt;
  return Span{start, end};
}

}  // namespace sy::privacy::extract
