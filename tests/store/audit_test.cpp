// The audit chain: sealing, linking, batches, two writers on one chain, scans.
#include <map>
#include <thread>

#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

AuditEntry entry(int64_t ts_ms, const std::string& request_id, const std::string& body = {}) {
  AuditEntry e;
  e.ts_ms = ts_ms;
  e.request_id = request_id;
  e.key_name = "key-" + request_id;
  e.team = "team";
  e.model = "auto";
  e.target = "faq-local";
  e.version = "v1";
  e.status = 200;
  e.prompt_tokens = 11;
  e.completion_tokens = 22;
  e.cost_micro_usd = 33;
  e.body = body.empty() ? R"({"ts_ms":)" + std::to_string(ts_ms) + R"(,"request_id":")" + request_id + R"("})" : body;
  return e;
}

// "t<thread>-<append>-<index>": which thread appended a record, in which call, where in its batch.
std::string batch_id(int thread, int append, int index) {
  std::string id("t");
  id.append(std::to_string(thread)).append("-").append(std::to_string(append)).append("-");
  return id.append(std::to_string(index));
}

std::vector<AuditRow> scan_all(Store& store, int64_t from_seq = 1) {
  std::vector<AuditRow> rows;
  auto s = store.scan_audit(from_seq, [&](const AuditRow& r) {
    rows.push_back(r);
    return true;
  });
  EXPECT_TRUE(s) << s.error().message;
  return rows;
}

// Every link an auditor would check, from the genesis hash.
void expect_valid_chain(const std::vector<AuditRow>& rows) {
  std::string prev = genesis_hash();
  for (size_t i = 0; i < rows.size(); ++i) {
    const AuditRow& r = rows[i];
    int64_t seq = static_cast<int64_t>(i) + 1;
    ASSERT_EQ(r.seq, seq);
    ASSERT_EQ(r.prev_hash, prev) << "seq " << seq;
    ASSERT_EQ(r.hash, chain_hash(prev, r.content)) << "seq " << seq;
    std::string head = "{\"seq\":" + std::to_string(seq);
    ASSERT_TRUE(r.content == head + "}" || r.content.rfind(head + ",", 0) == 0) << r.content;
    prev = r.hash;
  }
}

TEST(StoreBasics, ChainHashIsSha256OfPreviousNewlineContent) {
  EXPECT_EQ(genesis_hash(), std::string(64, '0'));
  // Values from Python's hashlib, independent of this code.
  std::string first = chain_hash(genesis_hash(), R"({"seq":1})");
  EXPECT_EQ(first, "a453da8151216b5ae0a15c5377bc79da35cc4f629a9e9a3dcab70bf0b485609a");
  EXPECT_EQ(chain_hash(first, R"({"seq":2,"a":1})"), "721761a4c6aae8d0bdd6a3a32bb4b7e33b492fb88f511130cb6da55de7d5b45a");
}

TEST_P(StoreTest, AppendSealsAndLinksRecords) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto empty = store->audit_head();
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->seq, 0);
  EXPECT_EQ(empty->hash, genesis_hash());

  auto head = store->append_audit({entry(1000, "r1"), entry(1001, "r2", "{}"), entry(1002, "r3")});
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->seq, 3);

  auto rows = scan_all(*store);
  ASSERT_EQ(rows.size(), 3u);
  expect_valid_chain(rows);
  EXPECT_EQ(rows[0].content, R"({"seq":1,"ts_ms":1000,"request_id":"r1"})");
  EXPECT_EQ(rows[1].content, R"({"seq":2})");
  EXPECT_EQ(head->hash, rows[2].hash);
  const AuditEntry& e = rows[2].entry;
  EXPECT_EQ(e.ts_ms, 1002);
  EXPECT_EQ(e.request_id, "r3");
  EXPECT_EQ(e.key_name, "key-r3");
  EXPECT_EQ(e.team, "team");
  EXPECT_EQ(e.model, "auto");
  EXPECT_EQ(e.target, "faq-local");
  EXPECT_EQ(e.version, "v1");
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.prompt_tokens, 11);
  EXPECT_EQ(e.completion_tokens, 22);
  EXPECT_EQ(e.cost_micro_usd, 33);
  EXPECT_TRUE(e.body.empty());

  // The next append continues the chain; an empty one changes nothing.
  auto more = store->append_audit({entry(1003, "r4")});
  ASSERT_TRUE(more);
  EXPECT_EQ(more->seq, 4);
  auto same = store->append_audit({});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->seq, 4);
  EXPECT_EQ(same->hash, more->hash);
  expect_valid_chain(scan_all(*store));
  EXPECT_EQ(store->audit_head()->hash, more->hash);
}

TEST_P(StoreTest, BadBodyRejectsTheWholeBatch) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->append_audit({entry(1, "a")}));
  auto head = *store->audit_head();
  auto bad = store->append_audit({entry(2, "b"), entry(3, "c", "[1,2]")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 400);
  EXPECT_EQ(store->audit_head()->seq, head.seq);
  EXPECT_EQ(store->audit_head()->hash, head.hash);
  EXPECT_EQ(scan_all(*store).size(), 1u);
}

TEST_P(StoreTest, LargeBatchesStayContiguousAndScanPages) {
  auto store = open_store();
  ASSERT_TRUE(store);
  // 300 = 4 x 64 + 32 + 8 + 4 rows per INSERT; 327 adds every smaller size once more.
  for (int batch : {300, 327}) {
    std::vector<AuditEntry> entries;
    for (int i = 0; i < batch; ++i) entries.push_back(entry(10'000 + i, "b" + std::to_string(batch) + "-" + std::to_string(i)));
    auto head = store->append_audit(entries);
    ASSERT_TRUE(head) << head.error().message;
  }
  auto rows = scan_all(*store);  // more than one page (512 rows)
  ASSERT_EQ(rows.size(), 627u);
  expect_valid_chain(rows);
  EXPECT_EQ(rows[299].entry.request_id, "b300-299");
  EXPECT_EQ(rows[300].entry.request_id, "b327-0");
  EXPECT_EQ(store->audit_head()->seq, 627);

  auto tail = scan_all(*store, 600);
  ASSERT_EQ(tail.size(), 28u);
  EXPECT_EQ(tail.front().seq, 600);
  EXPECT_TRUE(scan_all(*store, 628).empty());
}

TEST_P(StoreTest, TwoConnectionsAppendingConcurrentlyKeepOneChain) {
  auto a = open_store();
  auto b = open_store();
  ASSERT_TRUE(a && b);
  constexpr int threads = 4, appends = 25;
  std::vector<std::thread> workers;
  std::vector<std::string> errors(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Store& store = t % 2 ? *b : *a;  // two threads on each connection
      for (int n = 0; n < appends; ++n) {
        std::vector<AuditEntry> batch;
        for (int i = 0; i <= (n + t) % 5; ++i)
          batch.push_back(entry(n, batch_id(t, n, i)));
        auto head = store.append_audit(batch);
        if (!head) {
          errors[t] = head.error().message;
          return;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& e : errors) ASSERT_TRUE(e.empty()) << e;

  size_t expected = 0;
  for (int t = 0; t < threads; ++t)
    for (int n = 0; n < appends; ++n) expected += (n + t) % 5 + 1;
  auto rows = scan_all(*a);
  ASSERT_EQ(rows.size(), expected);
  expect_valid_chain(rows);
  // Each record once; each batch contiguous and in the order its thread appended it.
  std::map<std::string, int64_t> seen;
  for (const auto& r : rows) EXPECT_TRUE(seen.emplace(r.entry.request_id, r.seq).second) << r.entry.request_id;
  for (int t = 0; t < threads; ++t) {
    int64_t last = 0;
    for (int n = 0; n < appends; ++n) {
      int64_t first = seen[batch_id(t, n, 0)];
      EXPECT_GT(first, last);
      for (int i = 1; i <= (n + t) % 5; ++i) EXPECT_EQ(seen[batch_id(t, n, i)], first + i);
      last = first;
    }
  }
  EXPECT_EQ(a->audit_head()->seq, static_cast<int64_t>(expected));
  EXPECT_EQ(b->audit_head()->hash, rows.back().hash);
}

TEST_P(StoreTest, ScanStopsWhenTheVisitorSaysSo) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->append_audit({entry(1, "a"), entry(2, "b"), entry(3, "c"), entry(4, "d")}));
  std::vector<int64_t> seqs;
  ASSERT_TRUE(store->scan_audit(2, [&](const AuditRow& r) {
    seqs.push_back(r.seq);
    return r.seq < 3;
  }));
  EXPECT_EQ(seqs, (std::vector<int64_t>{2, 3}));
  // The visitor may use the store (the lock is not held while it runs).
  int visited = 0;
  ASSERT_TRUE(store->scan_audit(1, [&](const AuditRow&) {
    ++visited;
    return store->audit_head().ok();
  }));
  EXPECT_EQ(visited, 4);
}

TEST_P(StoreTest, ScanAuditTimeIsHalfOpen) {
  auto store = open_store();
  ASSERT_TRUE(store);
  // Out of time order on purpose: the scan is in seq order, filtered by time.
  ASSERT_TRUE(store->append_audit({entry(500, "a"), entry(100, "b"), entry(200, "c"), entry(300, "d"), entry(199, "e")}));
  std::vector<std::string> ids;
  ASSERT_TRUE(store->scan_audit_time(199, 300, [&](const AuditRow& r) {
    ids.push_back(r.entry.request_id);
    return true;
  }));
  EXPECT_EQ(ids, (std::vector<std::string>{"c", "e"}));
  ids.clear();
  ASSERT_TRUE(store->scan_audit_time(0, 1000, [&](const AuditRow& r) {
    ids.push_back(r.entry.request_id);
    return ids.size() < 2;
  }));
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b"}));
}

TEST_P(StoreTest, TamperingIsVisibleInTheChain) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->append_audit({entry(1, "a"), entry(2, "b"), entry(3, "c")}));
  ASSERT_TRUE(store->db().exec(R"(UPDATE audit SET content = '{"seq":2,"ts_ms":2,"request_id":"forged"}' WHERE seq = 2)"));
  auto rows = scan_all(*store);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].hash, chain_hash(rows[0].prev_hash, rows[0].content));
  EXPECT_NE(rows[1].hash, chain_hash(rows[1].prev_hash, rows[1].content));
}

TEST_P(StoreTest, AppendWorksWithoutDurability) {
  auto fast = open_store(DbOptions{false});
  ASSERT_TRUE(fast);
  auto head = fast->append_audit({entry(1, "a"), entry(2, "b")});
  ASSERT_TRUE(head) << head.error().message;
  auto reader = open_store();
  ASSERT_TRUE(reader);
  auto rows = scan_all(*reader);
  ASSERT_EQ(rows.size(), 2u);
  expect_valid_chain(rows);
}

}  // namespace
}  // namespace sy::store::testing
