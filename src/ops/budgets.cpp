#include "ops/budgets.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "ops/shared_limits.h"
#include "store/store.h"

namespace sy::ops {

namespace {

std::string usd(int64_t micro) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "$%.2f", static_cast<double>(micro) / 1e6);
  return buf;
}

}  // namespace

int Budgets::month_of(Clock::time_point t) {
  auto secs = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

int64_t Budgets::month_start_ms(int month) {
  std::tm tm{};
  tm.tm_year = month / 12 - 1900;
  tm.tm_mon = month % 12;
  tm.tm_mday = 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

core::Error Budgets::refusal(const std::string& subject, LimitKind kind, const config::UsageLimits& l, int64_t used,
                             int64_t tokens, int64_t micro_usd, int retry_after_s, int64_t now_s, int month) {
  auto who = subject.starts_with("key:") ? "Key '" + subject.substr(4) + "'" : "Team '" + subject.substr(5) + "'";
  switch (kind) {
    case LimitKind::requests_per_minute:
      return core::Error::rate_limited(who + " is over its limit of " + std::to_string(l.requests_per_minute) +
                                           " requests per minute.", retry_after_s);
    case LimitKind::tokens_per_minute:
      return core::Error::rate_limited(who + " is over its limit of " + std::to_string(l.tokens_per_minute) +
                                           " tokens per minute (this request needs about " + std::to_string(tokens) + ").",
                                       retry_after_s);
    case LimitKind::usd_per_month:
      break;
  }
  auto budget = static_cast<int64_t>(l.usd_per_month * 1e6 + 0.5);
  auto next_month = month_start_ms(month + 1) / 1000;
  return core::Error{429, "insufficient_quota",
                     who + " has used " + usd(used) + " of its " + usd(budget) + " monthly budget; this request would cost about " +
                         usd(micro_usd) + ".",
                     {}, "insufficient_quota", static_cast<int>(std::min<int64_t>(next_month - now_s, 86400 * 31)), 0};
}

int64_t Budgets::Window::sum(const std::array<int64_t, 60>& v, int64_t now) const {
  int64_t total = 0;
  for (size_t i = 0; i < 60; ++i) {
    if (now - second[i] < 60) total += v[i];
  }
  return total;
}

void Budgets::Window::add(int64_t now, int64_t n_requests, int64_t n_tokens) {
  auto i = static_cast<size_t>(now % 60);
  if (second[i] != now) {
    second[i] = now;
    requests[i] = 0;
    tokens[i] = 0;
  }
  requests[i] += n_requests;
  tokens[i] += n_tokens;
}

int Budgets::Window::retry_after(int64_t now) const {
  int64_t oldest = now;
  for (size_t i = 0; i < 60; ++i) {
    if (now - second[i] < 60 && (requests[i] || tokens[i])) oldest = std::min(oldest, second[i]);
  }
  return static_cast<int>(std::max<int64_t>(1, oldest + 60 - now));
}

Budgets::Budgets(const config::Config& config) {
  for (const auto& k : config.keys) {
    if (k.limits.any()) limits_["key:" + k.name].limits = k.limits;
  }
  for (const auto& t : config.teams) {
    if (t.limits.any()) limits_["team:" + t.name].limits = t.limits;
  }
  has_limits_ = !limits_.empty();
}

void Budgets::set_key_limits(const std::string& key_name, const config::UsageLimits& limits) {
  if (!limits.any()) return;
  std::lock_guard lock(mu_);
  auto [it, added] = limits_.try_emplace("key:" + key_name);
  it->second.limits = limits;
  if (added) it->second.month = month_of(Clock::now());
  has_limits_.store(true, std::memory_order_release);
}

core::Status Budgets::load_spend(store::Store& store) {
  if (!any()) return core::Ok{};
  int month = month_of(Clock::now());
  auto since = month_start_ms(month);
  auto keys = store.spend_by_key(since);
  if (!keys) return keys.error();
  auto teams = store.spend_by_team(since);
  if (!teams) return teams.error();
  std::lock_guard lock(mu_);
  for (auto& [subject, c] : limits_) c.month = month;
  for (const auto& [name, micro] : *keys) {
    if (auto it = limits_.find("key:" + name); it != limits_.end()) it->second.spent = micro;
  }
  for (const auto& [name, micro] : *teams) {
    if (auto it = limits_.find("team:" + name); it != limits_.end()) it->second.spent = micro;
  }
  return core::Ok{};
}

core::Status Budgets::check_one(const std::string& subject, Counter& c, int64_t tokens, int64_t micro_usd, int64_t second,
                            int month) {
  if (c.month != month) {  // a new month: budgets start again
    c.month = month;
    c.spent = 0;
  }
  const auto& l = c.limits;
  if (l.requests_per_minute > 0 && c.window.sum(c.window.requests, second) + 1 > l.requests_per_minute) {
    return refusal(subject, LimitKind::requests_per_minute, l, 0, tokens, micro_usd, c.window.retry_after(second), second, month);
  }
  if (l.tokens_per_minute > 0 && c.window.sum(c.window.tokens, second) + tokens > l.tokens_per_minute) {
    return refusal(subject, LimitKind::tokens_per_minute, l, 0, tokens, micro_usd, c.window.retry_after(second), second, month);
  }
  auto budget = static_cast<int64_t>(l.usd_per_month * 1e6 + 0.5);
  if (budget > 0 && c.spent + c.reserved + micro_usd > budget) {
    return refusal(subject, LimitKind::usd_per_month, l, c.spent + c.reserved, tokens, micro_usd, 0, second, month);
  }
  return core::Ok{};
}

core::Result<Reservation> Budgets::reserve(const core::Principal& who, int64_t tokens, int64_t micro_usd,
                                           Clock::time_point now) {
  Reservation r;
  if (!any()) return r;
  int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int month = month_of(now);
  std::lock_guard lock(mu_);
  auto key = limits_.find("key:" + who.key_name);
  auto team = who.team.empty() ? limits_.end() : limits_.find("team:" + who.team);
  // Both must admit before either counts the request.
  for (auto it : {key, team}) {
    if (it == limits_.end()) continue;
    if (auto s = check_one(it->first, it->second, tokens, micro_usd, second, month); !s) return s.error();
  }
  for (auto it : {key, team}) {
    if (it == limits_.end()) continue;
    it->second.window.add(second, 1, tokens);
    it->second.reserved += micro_usd;
  }
  if (key != limits_.end()) r.key = key->first;
  if (team != limits_.end()) r.team = team->first;
  r.tokens = tokens;
  r.micro_usd = micro_usd;
  r.second = second;
  r.month = month;
  r.active = true;
  return r;
}

core::Status Budgets::check(const core::Principal& who, int64_t tokens, int64_t micro_usd, Clock::time_point now) {
  if (!any()) return core::Ok{};
  int64_t second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int month = month_of(now);
  std::lock_guard lock(mu_);
  for (const auto& subject : {"key:" + who.key_name, who.team.empty() ? std::string() : "team:" + who.team}) {
    auto it = limits_.find(subject);
    if (it == limits_.end()) continue;
    auto copy = it->second;  // check_one starts a new month on the counter it is given: not on ours
    if (auto s = check_one(it->first, copy, tokens, micro_usd, second, month); !s) return s;
  }
  return core::Ok{};
}

void Budgets::settle(Reservation& r, int64_t tokens, int64_t micro_usd) {
  if (!r.active) return;
  r.active = false;
  if (r.shared) {
    if (shared_) shared_->settle(r, tokens, micro_usd);
    return;
  }
  std::lock_guard lock(mu_);
  for (const auto* subject : {&r.key, &r.team}) {
    if (subject->empty()) continue;
    auto& c = limits_.at(*subject);
    c.reserved -= r.micro_usd;
    if (c.month == r.month) c.spent += micro_usd;
    // The tokens go to the second they were reserved in, while that second is still counted.
    auto i = static_cast<size_t>(r.second % 60);
    if (c.window.second[i] == r.second) c.window.tokens[i] += tokens - r.tokens;
  }
}

std::optional<config::UsageLimits> Budgets::limits_of(const std::string& subject) const {
  std::lock_guard lock(mu_);
  auto it = limits_.find(subject);
  if (it == limits_.end()) return std::nullopt;
  return it->second.limits;
}

int64_t Budgets::spent(const std::string& subject) const {
  std::lock_guard lock(mu_);
  auto it = limits_.find(subject);
  return it == limits_.end() ? 0 : it->second.spent;
}

}  // namespace sy::ops
