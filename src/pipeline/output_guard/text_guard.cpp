#include "pipeline/output_guard/text_guard.h"

#include <algorithm>

#include "core/utf8.h"
#include "privacy/context.h"

namespace sy::pipeline {

namespace {

// How much of what already went out is scanned again with what arrives: a value that began there
// is still seen whole, and a fact ("... has diabetes") still finds the name said just before it,
// within the scanner's reach for people (privacy/context.h). A name that already went out stays
// out: `block` ends the stream there, `redact` hides what is still held.
constexpr size_t kContext = 2 * privacy::kPersonRadius;

bool ascii_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool ascii_word(char c) { return static_cast<unsigned char>(c) < 0x80 && !ascii_space(c); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool number_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+' || c == '/'; }

}  // namespace

GuardAction guard_action(const std::string& name) {
  if (name == "block") return GuardAction::block;
  if (name == "log") return GuardAction::log;
  return GuardAction::redact;
}

const char* to_string(GuardAction a) {
  switch (a) {
    case GuardAction::redact: return "redact";
    case GuardAction::block: return "block";
    case GuardAction::log: return "log";
  }
  return "redact";
}

size_t TextGuard::hold_point() const {
  const auto& p = pending_;
  size_t r = p.size();
  // The word in progress.
  while (r > 0 && ascii_word(p[r - 1])) --r;
  // A number in progress, across the separators numbers are written with.
  size_t q = r;
  bool digits = r < p.size() && std::any_of(p.begin() + static_cast<std::ptrdiff_t>(r), p.end(), digit);
  while (q > 0 && (digit(p[q - 1]) || number_separator(p[q - 1]))) {
    digits = digits || digit(p[q - 1]);
    --q;
  }
  if (digits) r = q;
  // The last bytes a blocked term could still complete.
  if (policy_.longest_term > 1) r = std::min(r, p.size() > policy_.longest_term - 1 ? p.size() - (policy_.longest_term - 1) : size_t{0});
  // Never more than hold_back.
  if (p.size() > policy_.hold_back) r = std::max(r, p.size() - policy_.hold_back);
  // On a character boundary.
  while (r > 0 && r < p.size() && core::is_continuation(p[r])) --r;
  return r;
}

GuardAction TextGuard::action_for(privacy::Kind kind) const {
  return kind == privacy::Kind::confidential_term ? policy_.on_blocked_term : policy_.on_sensitive;
}

void TextGuard::note(GuardAction action, privacy::Kind kind) {
  auto entry = std::string(to_string(action)) + ":" + privacy::to_string(kind);
  if (std::find(interventions_.begin(), interventions_.end(), entry) == interventions_.end()) interventions_.push_back(entry);
}

std::string TextGuard::release(bool final) {
  if (blocked_ || pending_.empty()) return {};
  const std::string window = context_ + pending_;
  const size_t offset = context_.size();
  auto scan = scanner_.scan(window);
  // Fails closed: text nobody could check does not go out.
  if (scan.failed) {
    blocked_ = true;
    interventions_.push_back("block:scan_failed");
    return {};
  }
  size_t r = final ? pending_.size() : hold_point();
  std::vector<privacy::Finding> act;  // in pending_'s offsets, clipped to it
  for (const auto& f : scan.findings) {
    if (!policy_.kinds.empty() && !policy_.kinds.contains(f.kind)) continue;
    if (f.end <= offset) continue;  // wholly in what already went out
    size_t start = f.start > offset ? f.start - offset : 0;
    size_t end = f.end - offset;
    // A match still open at the end of what arrived may grow: hold it whole.
    if (!final && (end > r || end == pending_.size())) {
      r = std::min(r, start);
      continue;
    }
    act.push_back({f.kind, start, end});
  }
  std::vector<privacy::Finding> redacted;
  for (const auto& f : act) {
    if (f.end > r) continue;
    auto action = action_for(f.kind);
    // A personal fact is never replaced (the name next to it is), so redacting it is no action.
    if (action == GuardAction::redact && privacy::is_personal_fact(f.kind)) continue;
    note(action, f.kind);
    if (action == GuardAction::block) {
      blocked_ = true;
      return {};
    }
    if (action == GuardAction::redact) redacted.push_back(f);
  }
  std::string_view out(pending_.data(), r);
  std::string text = redacted.empty() ? std::string(out) : redactor_.redact(out, redacted);
  context_ += out;
  if (context_.size() > kContext) {
    size_t cut = context_.size() - kContext;
    while (cut < context_.size() && core::is_continuation(context_[cut])) ++cut;
    context_.erase(0, cut);
  }
  pending_.erase(0, r);
  return text;
}

std::string TextGuard::push(std::string_view text) {
  pending_ += text;
  return release(false);
}

std::string TextGuard::flush() { return release(true); }

}  // namespace sy::pipeline
