#include "ops/audit_log.h"

#include <gtest/gtest.h>

#include <random>

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "ops/audit_test_support.h"

namespace sy::ops {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sy::testing::sample_record;
using sy::testing::TempDir;

std::vector<std::string> keys_in_order(const std::string& body) {
  std::vector<std::string> keys;
  json::value parsed = json::parse(body);
  for (const auto& kv : parsed.as_object()) keys.emplace_back(kv.key());
  return keys;
}

TEST(AuditBody, IsTheSameBytesForTheSameRecordWithFieldsInAFixedOrder) {
  EXPECT_EQ(audit_body(sample_record(7)), audit_body(sample_record(7)));
  EXPECT_NE(audit_body(sample_record(7)), audit_body(sample_record(8)));
  const std::vector<std::string> expected = {
      "ts",     "time",       "request_id", "key",           "team",          "method",            "path",
      "model",  "rule",       "reasons",    "privacy",       "kinds",         "target",            "version",
      "role",   "status",     "error_type", "attempts",      "stream",        "prompt_tokens",     "completion_tokens",
      "cost_usd", "latency_ms", "ttft_ms"};
  EXPECT_EQ(keys_in_order(audit_body(sample_record(7))), expected);
  EXPECT_EQ(keys_in_order(audit_body(sample_record(6))), expected);  // empty kinds, ttft set
}

TEST(AuditBody, EscapesStringsSoTheyComeBackExactly) {
  RequestRecord r = sample_record(1);
  r.request_id = "id-\"quoted\" \\ back\nnew\tline\x01\x1f ünï 中文";
  r.reasons = {"a\"b", "c\\d", ""};
  r.prompt_text = "my \"secret\" is [REDACTED]\r\n";
  std::string body = audit_body(r);
  EXPECT_EQ(body.find('\n'), std::string::npos);
  EXPECT_EQ(body.find('\x01'), std::string::npos);
  auto o = json::parse(body).as_object();
  EXPECT_EQ(o["request_id"].as_string(), r.request_id);
  ASSERT_EQ(o["reasons"].as_array().size(), 3u);
  EXPECT_EQ(o["reasons"].as_array()[0].as_string(), "a\"b");
  EXPECT_EQ(o["reasons"].as_array()[1].as_string(), "c\\d");
  EXPECT_EQ(o["prompt_text"].as_string(), *r.prompt_text);
}

// Client-supplied text may hold any bytes; the record must still be valid UTF-8 JSON (PostgreSQL
// refuses anything else) and its columns must say the same as its body.
TEST(AuditBody, ReplacesBytesThatAreNotUtf8) {
  RequestRecord r = sample_record(2);
  r.request_id = "id-\xff\xfe-ok-\xe4\xb8\xad-cut-\xe4\xb8";
  r.key_name = std::string("nul\0byte", 8);
  r.kinds = {"\xc0\xaf", "\xed\xa0\x80"};  // overlong '/', a surrogate
  store::AuditEntry e = audit_entry(r);
  auto o = json::parse(e.body).as_object();
  EXPECT_EQ(o["request_id"].as_string(), "id-\uFFFD\uFFFD-ok-\u4E2D-cut-\uFFFD\uFFFD");
  EXPECT_EQ(o["key"].as_string(), "nul\uFFFDbyte");
  EXPECT_EQ(o["kinds"].as_array()[0].as_string(), "\uFFFD\uFFFD");
  EXPECT_EQ(o["kinds"].as_array()[1].as_string(), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(e.request_id, std::string(o["request_id"].as_string()));
  EXPECT_EQ(e.key_name, std::string(o["key"].as_string()));
  r.request_id = "plain ascii and 中文";
  EXPECT_EQ(audit_entry(r).request_id, r.request_id);
}

TEST(AuditBody, WritesTimesNumbersAndOptionalFields) {
  RequestRecord r = sample_record(3);  // ttft set
  r.ts_ms = 1'795'305'601'234;
  r.latency_ms = 12.3456;
  r.cost_usd = 0.0025;
  auto o = json::parse(audit_body(r)).as_object();
  EXPECT_EQ(o["ts"].as_int64(), 1'795'305'601'234);
  EXPECT_EQ(o["time"].as_string(), "2026-11-22T00:00:01.234Z");
  EXPECT_DOUBLE_EQ(o["latency_ms"].to_number<double>(), 12.346);
  EXPECT_DOUBLE_EQ(o["ttft_ms"].to_number<double>(), 3.25);
  EXPECT_NE(audit_body(r).find("\"cost_usd\":0.002500"), std::string::npos) << audit_body(r);
  EXPECT_FALSE(o.contains("prompt_text"));
  EXPECT_FALSE(o.contains("answer_text"));

  r.ts_ms = -1;
  r.ttft_ms = -1;
  r.answer_text = "";
  o = json::parse(audit_body(r)).as_object();
  EXPECT_EQ(o["time"].as_string(), "1969-12-31T23:59:59.999Z");
  EXPECT_TRUE(o["ttft_ms"].is_null());
  EXPECT_EQ(o["answer_text"].as_string(), "");
  EXPECT_FALSE(o.contains("prompt_text"));
}

// Times and costs are printed by hand; they must read exactly as printf writes them, across
// years, leap days, times before 1970 and negative or huge costs.
TEST(AuditBody, TimesAndCostsAreWrittenAsPrintfWouldWriteThem) {
  namespace chr = std::chrono;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> any_ms(-2'208'988'800'000, 7'258'118'400'000);  // 1900..2200
  std::uniform_int_distribution<int64_t> any_cost(-5'000'000'000, 5'000'000'000);
  for (int i = 0; i < 20'000; ++i) {
    RequestRecord r = sample_record(1);
    r.ts_ms = i == 0 ? 951'782'400'000 : any_ms(rng);  // 2000-02-29 first
    int64_t micro = i < 3 ? std::array<int64_t, 3>{0, -1, 999'999}[i] : any_cost(rng);
    r.cost_usd = static_cast<double>(micro) / 1e6;
    chr::sys_time<chr::milliseconds> t{chr::milliseconds(r.ts_ms)};
    auto day = chr::floor<chr::days>(t);
    chr::year_month_day ymd{day};
    chr::hh_mm_ss hms{t - day};
    char time[48];
    std::snprintf(time, sizeof time, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    int64_t stored = std::llround(r.cost_usd * 1e6);
    uint64_t magnitude = stored < 0 ? 0 - static_cast<uint64_t>(stored) : static_cast<uint64_t>(stored);
    char cost[48];
    std::snprintf(cost, sizeof cost, "%s%llu.%06llu", stored < 0 ? "-" : "",
                  static_cast<unsigned long long>(magnitude / 1'000'000),
                  static_cast<unsigned long long>(magnitude % 1'000'000));
    std::string body = audit_body(r);
    ASSERT_NE(body.find(std::string("\"time\":\"") + time + "\""), std::string::npos) << body;
    ASSERT_NE(body.find(std::string("\"cost_usd\":") + cost + ","), std::string::npos) << body;
    ASSERT_NE(body.find("\"ts\":" + std::to_string(r.ts_ms) + ","), std::string::npos) << body;
  }
}

// The verifier compares the indexed cost column with the content; they must agree even where
// printing the double and rounding its product could go different ways (half a micro-dollar).
TEST(AuditEntry, FillsTheIndexedColumnsAndItsCostAgreesWithTheBody) {
  for (double cost : {0.0, 0.0000005, 0.0000015, 0.0000025, 1.0000005, 0.1234565, 12.3456785, 0.3, 1e-7, 123456.789,
                      -0.0000005, -2.5}) {
    RequestRecord r = sample_record(4);
    r.cost_usd = cost;
    store::AuditEntry e = audit_entry(r);
    EXPECT_EQ(e.cost_micro_usd, std::llround(cost * 1e6)) << cost;
    double in_body = json::parse(e.body).as_object()["cost_usd"].to_number<double>();
    EXPECT_EQ(std::llround(in_body * 1e6), e.cost_micro_usd) << cost << " -> " << e.body;
  }
  RequestRecord r = sample_record(5);
  store::AuditEntry e = audit_entry(r);
  EXPECT_EQ(e.ts_ms, r.ts_ms);
  EXPECT_EQ(e.request_id, "req-5");
  EXPECT_EQ(e.key_name, "bob");
  EXPECT_EQ(e.team, "support");
  EXPECT_EQ(e.model, "auto");
  EXPECT_EQ(e.target, "cloud-fast");
  EXPECT_EQ(e.version, "v3");
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.prompt_tokens, 15);
  EXPECT_EQ(e.completion_tokens, 15);
  EXPECT_EQ(e.body, audit_body(r));
}

class AuditLogTest : public ::testing::Test {
 protected:
  // The stored chain: seq 1..n with no gaps, every request id once, the head at n.
  void expect_chain(size_t n) {
    auto store = store::Store::open(url_);
    ASSERT_TRUE(store) << store.error().message;
    auto head = (*store)->audit_head();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->seq, static_cast<int64_t>(n));
    int64_t expected = 1;
    std::set<std::string> ids;
    auto s = (*store)->scan_audit(1, [&](const store::AuditRow& row) {
      EXPECT_EQ(row.seq, expected++);
      ids.insert(row.entry.request_id);
      return true;
    });
    ASSERT_TRUE(s);
    EXPECT_EQ(ids.size(), n);
  }

  TempDir dir_{"switchyard-audit-log"};
  std::string url_ = dir_.sqlite_url();
};

// Records queued while a commit is running all go into the next transaction. The first record's
// completion holds the writer until every producer has queued, so everything else must fit in one
// more batch.
class AuditLogGroupCommit : public AuditLogTest, public ::testing::WithParamInterface<bool> {};

TEST_P(AuditLogGroupCommit, PutsEverythingQueuedDuringACommitIntoTheNextOne) {
  AuditOptions opts;
  opts.durable = GetParam();
  opts.window = 20ms;
  auto log = AuditLog::open(url_, opts);
  ASSERT_TRUE(log) << log.error().message;

  std::promise<void> all_queued;
  std::shared_future<void> released = all_queued.get_future().share();
  (*log)->append(sample_record(0), [released](core::Status s) {
    EXPECT_TRUE(s);
    released.wait();
  });

  constexpr int kThreads = 8, kEach = 250;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        (*log)->append(sample_record(1 + t * kEach + i), [&](core::Status s) { ++(s ? ok : failed); });
      }
    });
  }
  for (auto& p : producers) p.join();
  all_queued.set_value();
  (*log)->flush();

  EXPECT_EQ(ok.load(), kThreads * kEach);
  EXPECT_EQ(failed.load(), 0);
  auto stats = (*log)->stats();
  EXPECT_EQ(stats.records, uint64_t{kThreads * kEach + 1});
  EXPECT_LE(stats.batches, 2u);
  EXPECT_EQ(stats.failures, 0u);
  EXPECT_EQ(stats.pending, 0u);
  log->reset();
  expect_chain(kThreads * kEach + 1);
}

// The gateway's pattern: each producer waits for its record to be committed before the next.
TEST_P(AuditLogGroupCommit, ProducersThatWaitForTheirRecordAllGetItCommitted) {
  AuditOptions opts;
  opts.durable = GetParam();
  opts.window = 2ms;
  auto log = AuditLog::open(url_, opts);
  ASSERT_TRUE(log) << log.error().message;
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> failed{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Shared with the callback: the writer may still be inside set_value when get() returns.
        auto done = std::make_shared<std::promise<core::Status>>();
        auto committed = done->get_future();
        (*log)->append(sample_record(t * kEach + i), [done](core::Status s) { done->set_value(std::move(s)); });
        if (!committed.get()) ++failed;
      }
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(failed.load(), 0);
  auto stats = (*log)->stats();
  EXPECT_EQ(stats.records, uint64_t{kThreads * kEach});
  EXPECT_LE(stats.batches, stats.records);
  log->reset();
  expect_chain(kThreads * kEach);
}

INSTANTIATE_TEST_SUITE_P(Durability, AuditLogGroupCommit, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "durable" : "non_durable"; });

TEST_F(AuditLogTest, NonDurableRecordsWaitForTheWindowAndShareOneCommit) {
  AuditOptions opts;
  opts.durable = false;
  opts.window = 80ms;
  auto log = AuditLog::open(url_, opts);
  ASSERT_TRUE(log) << log.error().message;
  constexpr int kRecords = 100;
  std::atomic<int> done{0};
  std::promise<void> last;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRecords; ++i) {
    (*log)->append(sample_record(i), [&](core::Status s) {
      EXPECT_TRUE(s);
      if (++done == kRecords) last.set_value();
    });
  }
  ASSERT_EQ(last.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 70ms) << "committed before the window closed";
  EXPECT_LE((*log)->stats().batches, 2u);
}

TEST_F(AuditLogTest, FlushWaitsForEverythingQueuedBeforeItAndCutsTheWindowShort) {
  AuditOptions opts;
  opts.durable = false;
  opts.window = 30s;
  auto log = AuditLog::open(url_, opts);
  ASSERT_TRUE(log) << log.error().message;
  std::atomic<int> done{0};
  for (int i = 0; i < 500; ++i) (*log)->append(sample_record(i), [&](core::Status s) { done += s ? 1 : 1000; });
  auto start = std::chrono::steady_clock::now();
  (*log)->flush();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(done.load(), 500);
  EXPECT_EQ((*log)->stats().pending, 0u);
  EXPECT_EQ((*log)->stats().records, 500u);
  (*log)->flush();  // nothing queued: returns at once
}

TEST_F(AuditLogTest, StoppingCommitsWhatIsQueued) {
  AuditOptions opts;
  opts.durable = false;
  opts.window = 30s;
  std::atomic<int> done{0};
  {
    auto log = AuditLog::open(url_, opts);
    ASSERT_TRUE(log) << log.error().message;
    for (int i = 0; i < 300; ++i) (*log)->append(sample_record(i), [&](core::Status s) { done += s ? 1 : 1000; });
  }
  EXPECT_EQ(done.load(), 300);
  expect_chain(300);
}

TEST_F(AuditLogTest, AFailedCommitFailsItsRecordsAndTheWriterGoesOn) {
  auto store = store::Store::open(url_);
  ASSERT_TRUE(store) << store.error().message;
  store::Store* raw = store->get();
  ASSERT_TRUE(raw->db().exec(
      "CREATE TRIGGER audit_fails BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"));
  AuditLog log(std::move(*store), AuditOptions{});

  std::mutex mu;
  std::vector<core::Status> statuses;
  auto collect = [&](core::Status s) {
    std::lock_guard lk(mu);
    statuses.push_back(std::move(s));
  };
  for (int i = 0; i < 10; ++i) log.append(sample_record(i), collect);
  log.flush();
  ASSERT_EQ(statuses.size(), 10u);
  for (const auto& s : statuses) {
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().status, 503);
    EXPECT_NE(s.error().message.find("disk on fire"), std::string::npos) << s.error().message;
  }
  EXPECT_EQ(log.stats().failures, 10u);
  EXPECT_EQ(log.stats().records, 0u);

  // The writer is idle (everything finished), so the store can be repaired under it.
  ASSERT_TRUE(raw->db().exec("DROP TRIGGER audit_fails"));
  statuses.clear();
  for (int i = 10; i < 15; ++i) log.append(sample_record(i), collect);
  log.flush();
  ASSERT_EQ(statuses.size(), 5u);
  for (const auto& s : statuses) EXPECT_TRUE(s) << s.error().message;
  EXPECT_EQ(log.stats().records, 5u);
  EXPECT_EQ(log.stats().failures, 10u);
  auto head = raw->audit_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, 5) << "the failed batch left nothing behind";
}

TEST_F(AuditLogTest, RefusesAtOnceWhenTooManyRecordsArePending) {
  AuditOptions opts;
  opts.max_pending = 2;
  auto log = AuditLog::open(url_, opts);
  ASSERT_TRUE(log) << log.error().message;

  // The first record's completion holds the writer, so the next ones stay queued.
  std::promise<void> writer_held, release;
  std::shared_future<void> released = release.get_future().share();
  (*log)->append(sample_record(1), [&writer_held, released](core::Status) {
    writer_held.set_value();
    released.wait();
  });
  writer_held.get_future().wait();
  std::atomic<int> ok{0};
  (*log)->append(sample_record(2), [&](core::Status s) { ok += s ? 1 : 0; });
  (*log)->append(sample_record(3), [&](core::Status s) { ok += s ? 1 : 0; });
  std::optional<core::Status> refused;
  (*log)->append(sample_record(4), [&](core::Status s) { refused = std::move(s); });
  ASSERT_TRUE(refused.has_value()) << "refused before append returned";
  ASSERT_FALSE(*refused);
  EXPECT_EQ(refused->error().status, 503);
  EXPECT_EQ((*log)->stats().pending, 2u);

  release.set_value();
  (*log)->flush();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ((*log)->stats().records, 3u);
}

TEST(AuditLogOpen, FailsOnAStoreItCannotOpen) {
  EXPECT_FALSE(AuditLog::open("nosuch://where", AuditOptions{}));
  TempDir dir("switchyard-audit-open");
  std::ofstream(dir.file("plain-file")) << "not a directory";
  EXPECT_FALSE(AuditLog::open("sqlite:" + dir.file("plain-file") + "/audit.db", AuditOptions{}));
}

}  // namespace
}  // namespace sy::ops

namespace sy::ops {
namespace {

// The body's strings are written as Boost.JSON writes them (what records written before hold),
// with every invalid UTF-8 byte (and NUL) as U+FFFD: checked on random bytes against that rule.
TEST(AuditBody, StringsAreEscapedAsBoostJsonWritesThem) {
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string raw;
    size_t n = rng() % 24;
    for (size_t i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0: raw += static_cast<char>(rng() % 0x20); break;        // control characters
        case 1: raw += "\"\\/"[rng() % 3]; break;
        case 2: raw += "\xE4\xB8\xAD"; break;                          // a valid CJK character
        default: raw += static_cast<char>(rng() % 256); break;        // anything, often invalid
      }
    }
    RequestRecord r;
    r.request_id = raw;
    auto body = audit_body(r);
    // What the rule says the field holds, as Boost.JSON serializes it.
    std::string valid;
    for (size_t i = 0; i < raw.size();) {
      auto c = static_cast<unsigned char>(raw[i]);
      size_t len = c >= 0x01 && c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
      bool ok = len > 0 && i + len <= raw.size();
      for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(raw[i + k]) & 0xC0) == 0x80;
      if (ok && len > 1) {
        auto c1 = static_cast<unsigned char>(raw[i + 1]);
        ok = !((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90));
      }
      if (!ok) {
        valid += "\xEF\xBF\xBD";
        ++i;
      } else {
        valid.append(raw, i, len);
        i += len;
      }
    }
    auto expected = "\"request_id\":" + boost::json::serialize(boost::json::string_view(valid.data(), valid.size()));
    EXPECT_NE(body.find(expected), std::string::npos) << "round " << round;
  }
}

}  // namespace
}  // namespace sy::ops
