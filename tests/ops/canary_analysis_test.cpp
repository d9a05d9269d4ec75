// The automatic canary's judgement, and its comparison read from a real (SQLite) audit chain.
#include "ops/canary_analysis.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ops/audit_log.h"

namespace sy::ops {
namespace {

using std::chrono::milliseconds;

VersionStats side(const std::string& version, int64_t requests, int64_t errors, double p95, double ttft = 100) {
  VersionStats s;
  s.version = version;
  s.requests = requests;
  s.errors = errors;
  s.p95_latency_ms = p95;
  s.p95_ttft_ms = ttft;
  return s;
}

CanaryComparison comparison(VersionStats canary, VersionStats production) {
  return CanaryComparison{"faq", std::move(canary), std::move(production), 0, {}};
}

TEST(CanaryAnalysis, WaitsForRequestsAndTimeThenPromotesAHealthyCanary) {
  CanaryPolicy p;
  p.min_requests = 50;
  p.min_duration = milliseconds(60'000);
  auto healthy = comparison(side("v2", 60, 0, 500), side("v1", 540, 1, 480));
  EXPECT_EQ(judge_canary(healthy, p, milliseconds(30'000)).call, CanaryCall::wait);  // too early
  auto few = comparison(side("v2", 20, 0, 500), side("v1", 180, 0, 480));
  auto waiting = judge_canary(few, p, milliseconds(90'000));
  EXPECT_EQ(waiting.call, CanaryCall::wait);
  EXPECT_NE(waiting.summary().find("20/50 requests"), std::string::npos) << waiting.summary();
  auto verdict = judge_canary(healthy, p, milliseconds(90'000));
  EXPECT_EQ(verdict.call, CanaryCall::promote) << verdict.summary();
}

TEST(CanaryAnalysis, RollsBackOnEachKindOfHarm) {
  CanaryPolicy p;
  p.min_requests = 50;
  p.min_duration = milliseconds(0);
  auto judge = [&](CanaryComparison c) { return judge_canary(c, p, milliseconds(120'000)); };
  // More errors than production, beyond the allowed 2 points.
  auto errors = judge(comparison(side("v2", 100, 5, 500), side("v1", 900, 9, 480)));
  EXPECT_EQ(errors.call, CanaryCall::rollback);
  EXPECT_NE(errors.summary().find("error rate 5.0% vs 1.0%"), std::string::npos) << errors.summary();
  // Slower: p95 more than 1.5 times production's.
  EXPECT_EQ(judge(comparison(side("v2", 100, 0, 800), side("v1", 900, 0, 500))).call, CanaryCall::rollback);
  EXPECT_EQ(judge(comparison(side("v2", 100, 0, 500, 400), side("v1", 900, 0, 500, 100))).call, CanaryCall::rollback);
  // A few milliseconds slower is noise, whatever the ratio.
  EXPECT_EQ(judge(comparison(side("v2", 100, 0, 12, 9), side("v1", 900, 0, 4, 3))).call, CanaryCall::promote);
  // Rated worse by clients (enough ratings on both sides).
  auto rated = comparison(side("v2", 100, 0, 500), side("v1", 900, 0, 500));
  rated.canary.feedback_count = 10;
  rated.canary.feedback_mean = 0.1;
  rated.production.feedback_count = 40;
  rated.production.feedback_mean = 0.6;
  EXPECT_EQ(judge(rated).call, CanaryCall::rollback);
  rated.canary.feedback_count = 3;  // too few ratings to count
  EXPECT_EQ(judge(rated).call, CanaryCall::promote);
  // Drifted traffic.
  auto drifted = comparison(side("v2", 100, 0, 500), side("v1", 900, 0, 500));
  drifted.drift_state = "drift";
  EXPECT_EQ(judge(drifted).call, CanaryCall::rollback);
}

TEST(CanaryAnalysis, FailsFastAndGivesUpWithoutEvidence) {
  CanaryPolicy p;
  p.min_requests = 50;
  p.max_duration = milliseconds(600'000);
  // Most of its first requests failed: no need to wait for fifty.
  EXPECT_EQ(judge_canary(comparison(side("v2", 8, 6, 0), side("v1", 80, 0, 400)), p, milliseconds(5'000)).call,
            CanaryCall::rollback);
  // Too little traffic by the deadline: not promoted on no evidence.
  auto starved = judge_canary(comparison(side("v2", 7, 0, 400), side("v1", 70, 0, 400)), p, milliseconds(700'000));
  EXPECT_EQ(starved.call, CanaryCall::rollback);
  EXPECT_NE(starved.summary().find("no evidence"), std::string::npos);
}

TEST(CanaryAnalysis, ComparesWhatTheAuditChainRecordsPerVersion) {
  auto dir = std::filesystem::temp_directory_path() / ("sy-canary-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto store = store::Store::open("sqlite:" + (dir / "s.db").string());
  ASSERT_TRUE(store) << store.error().message;
  std::vector<store::AuditEntry> entries;
  auto add = [&](const std::string& target, const std::string& version, int status, double latency, int64_t ts) {
    RequestRecord r;
    r.ts_ms = ts;
    r.request_id = "r" + std::to_string(entries.size());
    r.target = target;
    r.version = version;
    r.status = status;
    r.latency_ms = latency;
    r.ttft_ms = latency / 4;
    entries.push_back(audit_entry(r));
  };
  add("faq", "v2", 200, 100, 500);     // before the canary began: not counted
  for (int i = 0; i < 20; ++i) add("faq", "v1", 200, 100 + i, 1'000 + i);
  for (int i = 0; i < 10; ++i) add("faq", "v2", i < 3 ? 502 : 200, 300, 1'100 + i);
  add("other", "v2", 500, 100, 1'200);  // another model's v2
  ASSERT_TRUE((*store)->append_audit(entries));
  ASSERT_TRUE((*store)->put_feedback({"r25", "k", "faq", "faq", "v2", -1.0, "", 1'300}));

  auto c = compare_canary(**store, "faq", "v2", "v1", 1'000);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->canary.requests, 10);
  EXPECT_EQ(c->canary.errors, 3);
  EXPECT_DOUBLE_EQ(c->canary.p95_latency_ms, 300);
  EXPECT_DOUBLE_EQ(c->canary.p95_ttft_ms, 75);
  EXPECT_EQ(c->canary.feedback_count, 1);
  EXPECT_EQ(c->production.requests, 20);
  EXPECT_EQ(c->production.errors, 0);
  EXPECT_DOUBLE_EQ(c->production.p95_latency_ms, 118);  // nearest rank: the 19th of 20
  EXPECT_NE(format_comparison(*c).find("canary"), std::string::npos);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sy::ops
