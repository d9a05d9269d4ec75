#include "ops/shared_limits.h"

#include <unistd.h>

#include <random>

#include "ops/shared_limits_scripts.h"

namespace sy::ops {

namespace {

int64_t budget_micro(const config::UsageLimits& l) { return static_cast<int64_t>(l.usd_per_month * 1e6 + 0.5); }

int64_t as_int(const store::RedisReply& r) {
  if (r.kind == store::RedisReply::Kind::integer) return r.integer;
  return 0;
}

}  // namespace

SharedLimits::SharedLimits(const config::RedisConfig& config, RedisLink& link, Budgets& local)
    : config_(config), link_(link), local_(local) {
  reserve_script_ = link_.client().add_script(kReserveScript);
  settle_script_ = link_.client().add_script(kSettleScript);
  // Reservation ids: unique across replicas (a random prefix per process) and within one (a count).
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x-", rd(), static_cast<unsigned>(::getpid()));
  id_prefix_ = buf;
  local_.share_through(this);
}

SharedLimits::~SharedLimits() {
  link_.client().stop();
  local_.share_through(nullptr);
}

std::string SharedLimits::next_id() { return id_prefix_ + std::to_string(next_.fetch_add(1, std::memory_order_relaxed)); }

std::vector<std::string> SharedLimits::keys_of(const std::string& subject, int month) const {
  auto m = std::to_string(month);
  return {config_.prefix + "w:" + subject, config_.prefix + "s:" + subject, config_.prefix + "b:" + subject + ":" + m,
          config_.prefix + "h:" + subject + ":" + m};
}

void SharedLimits::reserve(const core::Principal& who, int64_t tokens, int64_t micro_usd, bool dry, Done done) {
  auto now = Budgets::Clock::now();
  int month = Budgets::month_of(now);
  std::vector<std::string> subjects;
  std::vector<config::UsageLimits> limits;  // as they are now, for the script and its refusal
  for (auto subject : {"key:" + who.key_name, who.team.empty() ? std::string() : "team:" + who.team}) {
    if (subject.empty()) continue;
    if (auto l = local_.limits_of(subject)) {
      subjects.push_back(std::move(subject));
      limits.push_back(*l);
    }
  }
  if (subjects.empty()) {
    done(Reservation{});
    return;
  }
  std::vector<std::string> keys;
  auto id = next_id();
  std::vector<std::string> args{std::to_string(tokens), std::to_string(micro_usd), id,
                                std::to_string(config_.reservation_lease.count()), dry ? "1" : "0"};
  for (size_t i = 0; i < subjects.size(); ++i) {
    const auto& s = subjects[i];
    const auto& l = limits[i];
    for (auto& k : keys_of(s, month)) keys.push_back(std::move(k));
    args.push_back(std::to_string(l.requests_per_minute));
    args.push_back(std::to_string(l.tokens_per_minute));
    args.push_back(std::to_string(budget_micro(l)));
    args.push_back(std::to_string(local_.spent(s)));
  }
  link_.client().eval(
      reserve_script_, std::move(keys), std::move(args),
      [this, who, tokens, micro_usd, dry, subjects, limits, id, month, done = std::move(done)](core::Result<store::RedisReply> reply) {
        if (!reply || reply->elements.size() < 2) {
          auto why = reply ? core::Error::internal("Redis: an unexpected reply to the reserve script") : reply.error();
          fall_back(who, tokens, micro_usd, dry, limits, why, done);
          return;
        }
        const auto& e = reply->elements;
        auto which = as_int(e[0]);
        if (which != 0) {
          if (e.size() < 5 || which > static_cast<int64_t>(subjects.size())) {
            fall_back(who, tokens, micro_usd, dry, limits, core::Error::internal("Redis: a malformed refusal"), done);
            return;
          }
          auto i = static_cast<size_t>(which - 1);
          done(Budgets::refusal(subjects[i], static_cast<LimitKind>(as_int(e[1])), limits[i], as_int(e[2]), tokens,
                                micro_usd, static_cast<int>(as_int(e[3])), as_int(e[4]), month));
          return;
        }
        Reservation r;
        if (dry) {
          done(r);
          return;
        }
        for (const auto& s : subjects) (s.starts_with("key:") ? r.key : r.team) = s;
        r.tokens = tokens;
        r.micro_usd = micro_usd;
        r.second = as_int(e[1]);
        r.month = month;
        r.active = true;
        r.shared = true;
        r.id = id;
        done(std::move(r));
      });
}

void SharedLimits::fall_back(const core::Principal& who, int64_t tokens, int64_t micro_usd, bool dry,
                             const std::vector<config::UsageLimits>& limits, const core::Error& why, const Done& done) {
  // Refused if any limit that applies is fail_closed; else counted here.
  for (const auto& l : limits) {
    bool closed = (l.requests_per_minute > 0 && !config_.requests_per_minute_fail_open) ||
                  (l.tokens_per_minute > 0 && !config_.tokens_per_minute_fail_open) ||
                  (l.usd_per_month > 0 && !config_.usd_per_month_fail_open);
    if (closed) {
      link_.fail_closed.fetch_add(1, std::memory_order_relaxed);
      auto e = core::Error::unavailable("Usage limits cannot be checked right now (the shared counter store is unavailable); retry shortly.");
      e.retry_after_s = 1;
      e.cause = why.status == 503 ? "redis unavailable" : "redis error";
      done(std::move(e));
      return;
    }
  }
  link_.fail_open.fetch_add(1, std::memory_order_relaxed);
  if (dry) {
    auto s = local_.check(who, tokens, micro_usd);
    if (!s) done(s.error());
    else done(Reservation{});
    return;
  }
  done(local_.reserve(who, tokens, micro_usd));
}

void SharedLimits::settle(const Reservation& r, int64_t tokens, int64_t micro_usd) {
  std::vector<std::string> keys;
  std::vector<std::string> args{std::to_string(r.second), std::to_string(r.tokens), std::to_string(tokens),
                                std::to_string(std::max<int64_t>(micro_usd, 0)), r.id};
  for (const auto* s : {&r.key, &r.team}) {
    if (s->empty()) continue;
    for (auto& k : keys_of(*s, r.month)) keys.push_back(std::move(k));
    args.push_back(std::to_string(local_.spent(*s)));
  }
  if (keys.empty()) return;
  link_.client().eval(settle_script_, std::move(keys), std::move(args), [&link = link_](core::Result<store::RedisReply> reply) {
    if (!reply) link.settle_failed.fetch_add(1, std::memory_order_relaxed);
  });
}

}  // namespace sy::ops
