#include "ops/canary_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

namespace sy::ops {

namespace json = boost::json;

namespace {

double p95(std::vector<double>& v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double number(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : -1;
}

bool guard_blocked(const json::object& o) {
  const auto* guard = o.if_contains("guard");
  if (!guard || !guard->is_array()) return false;
  for (const auto& g : guard->as_array()) {
    if (g.is_string() && g.get_string().starts_with("block")) return true;
  }
  return false;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

struct Samples {
  VersionStats stats;
  std::vector<double> latency, ttft;
};

}  // namespace

std::string_view to_string(CanaryCall call) {
  switch (call) {
    case CanaryCall::promote: return "promote";
    case CanaryCall::rollback: return "rollback";
    default: return "wait";
  }
}

std::string CanaryVerdict::summary() const {
  std::string out(to_string(call));
  for (size_t i = 0; i < reasons.size(); ++i) out += (i ? "; " : ": ") + reasons[i];
  return out;
}

core::Result<CanaryComparison> compare_canary(store::Store& store, const std::string& model, const std::string& canary_version,
                                              const std::string& production_version, int64_t since_ms) {
  Samples canary, production;
  canary.stats.version = canary_version;
  production.stats.version = production_version;
  auto scanned = store.scan_audit_time(since_ms, INT64_MAX, [&](const store::AuditRow& row) {
    if (row.entry.target != model) return true;
    Samples* side = row.entry.version == canary_version      ? &canary
                    : row.entry.version == production_version ? &production
                                                               : nullptr;
    if (!side) return true;
    boost::system::error_code ec;
    auto body = json::parse(row.content, ec);
    if (ec || !body.is_object()) return true;
    const auto& o = body.as_object();
    auto& s = side->stats;
    ++s.requests;
    if (row.entry.status >= 500) ++s.errors;
    if (guard_blocked(o)) ++s.refusals;
    if (double l = number(o, "latency_ms"); l >= 0) side->latency.push_back(l);
    if (double t = number(o, "ttft_ms"); t >= 0) side->ttft.push_back(t);
    return true;
  });
  if (!scanned) return scanned.error();
  for (auto* side : {&canary, &production}) {
    side->stats.p95_latency_ms = std::max(0.0, p95(side->latency));
    side->stats.p95_ttft_ms = p95(side->ttft);
    auto fb = store.feedback_stats(model, side->stats.version, since_ms);
    if (!fb) return fb.error();
    side->stats.feedback_count = fb->count;
    side->stats.feedback_mean = fb->mean;
  }
  return CanaryComparison{model, std::move(canary.stats), std::move(production.stats), since_ms, {}};
}

CanaryVerdict judge_canary(const CanaryComparison& c, const CanaryPolicy& p, std::chrono::milliseconds elapsed) {
  CanaryVerdict v;
  const auto& k = c.canary;
  const auto& base = c.production;
  if (k.errors >= p.fast_fail_errors && k.error_rate() > 0.5) {
    v.call = CanaryCall::rollback;
    v.reasons.push_back(std::to_string(k.errors) + " of its " + std::to_string(k.requests) + " requests failed");
    return v;
  }
  if (c.drift_state == "drift") {
    v.call = CanaryCall::rollback;
    v.reasons.push_back("its traffic drifted (GET /admin/drift)");
    return v;
  }
  if (k.requests < p.min_requests || elapsed < p.min_duration) {
    if (elapsed >= p.max_duration) {
      v.call = CanaryCall::rollback;
      v.reasons.push_back("only " + std::to_string(k.requests) + " requests in " + std::to_string(elapsed.count() / 1000) +
                          " s, short of " + std::to_string(p.min_requests) + ": no evidence to promote on");
      return v;
    }
    v.reasons.push_back(std::to_string(k.requests) + "/" + std::to_string(p.min_requests) + " requests, " +
                        std::to_string(elapsed.count() / 1000) + "/" + std::to_string(p.min_duration.count() / 1000) + " s");
    return v;
  }
  std::vector<std::string> failed, passed;
  auto check = [&](bool ok, std::string what) { (ok ? passed : failed).push_back(std::move(what)); };
  double error_increase = k.error_rate() - base.error_rate();
  check(error_increase <= p.max_error_rate_increase, "error rate " + fmt("%.1f%%", k.error_rate() * 100) + " vs " +
                                                          fmt("%.1f%%", base.error_rate() * 100));
  check(k.refusal_rate() - base.refusal_rate() <= p.max_refusal_rate_increase,
        "refusal rate " + fmt("%.1f%%", k.refusal_rate() * 100) + " vs " + fmt("%.1f%%", base.refusal_rate() * 100));
  if (base.requests > 0 && base.p95_latency_ms > 0) {
    check(k.p95_latency_ms <= base.p95_latency_ms * p.max_latency_ratio ||
              k.p95_latency_ms - base.p95_latency_ms <= p.min_latency_increase_ms,
          "p95 latency " + fmt("%.0f ms", k.p95_latency_ms) + " vs " + fmt("%.0f ms", base.p95_latency_ms));
  }
  if (base.p95_ttft_ms > 0 && k.p95_ttft_ms >= 0) {
    check(k.p95_ttft_ms <= base.p95_ttft_ms * p.max_ttft_ratio || k.p95_ttft_ms - base.p95_ttft_ms <= p.min_latency_increase_ms,
          "p95 TTFT " + fmt("%.0f ms", k.p95_ttft_ms) + " vs " + fmt("%.0f ms", base.p95_ttft_ms));
  }
  if (k.feedback_count >= p.min_feedback && base.feedback_count >= p.min_feedback) {
    check(base.feedback_mean - k.feedback_mean <= p.max_feedback_drop,
          "feedback " + fmt("%.2f", k.feedback_mean) + " vs " + fmt("%.2f", base.feedback_mean));
  }
  v.call = failed.empty() ? CanaryCall::promote : CanaryCall::rollback;
  v.reasons = failed.empty() ? passed : failed;
  return v;
}

json::object to_json(const CanaryComparison& c) {
  auto side = [](const VersionStats& s) {
    return json::object{{"version", s.version},
                        {"requests", s.requests},
                        {"errors", s.errors},
                        {"error_rate", s.error_rate()},
                        {"refusal_rate", s.refusal_rate()},
                        {"p95_latency_ms", s.p95_latency_ms},
                        {"p95_ttft_ms", s.p95_ttft_ms},
                        {"feedback_count", s.feedback_count},
                        {"feedback_mean", s.feedback_mean}};
  };
  json::object o{{"model", c.model}, {"since_ms", c.since_ms}, {"canary", side(c.canary)}, {"production", side(c.production)}};
  if (!c.drift_state.empty()) o["canary_drift"] = c.drift_state;
  return o;
}

std::string format_comparison(const CanaryComparison& c) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %-14s %9s %8s %8s %10s %10s %9s\n", "SIDE", "VERSION", "REQUESTS", "ERRORS", "REFUSED",
                "P95 MS", "P95 TTFT", "FEEDBACK");
  out += line;
  for (const auto* s : {&c.production, &c.canary}) {
    std::snprintf(line, sizeof line, "%-12s %-14s %9lld %7.1f%% %7.1f%% %10.0f %10s %9s\n", s == &c.canary ? "canary" : "production",
                  s->version.c_str(), static_cast<long long>(s->requests), s->error_rate() * 100, s->refusal_rate() * 100,
                  s->p95_latency_ms, s->p95_ttft_ms >= 0 ? fmt("%.0f", s->p95_ttft_ms).c_str() : "-",
                  s->feedback_count ? (fmt("%.2f", s->feedback_mean) + " (" + std::to_string(s->feedback_count) + ")").c_str() : "-");
    out += line;
  }
  if (!c.drift_state.empty()) out += "canary drift: " + c.drift_state + "\n";
  return out;
}

}  // namespace sy::ops
