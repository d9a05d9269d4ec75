// Two replicas sharing one real PostgreSQL 15: a registry change made through one is live in the
// other within a second, both write one audit chain, and a kill -9 of one under durable load
// loses no acknowledged request.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "harness.h"
#include "store/store.h"
#include "support/postgres_server.h"

namespace sy::testing {
namespace {

TEST(Replicas, ShareTheRegistryAndOneAuditChainOnPostgres) {
  PostgresServer pg;
  if (pg.missing()) GTEST_SKIP() << pg.error();
  ASSERT_TRUE(pg.ok()) << pg.error();
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) {
    bool b = r.body.find("\"gpt-b\"") != std::string::npos;
    c.send(200, completion_json(b ? "from gpt-b" : "from gpt-a", b ? "gpt-b" : "gpt-a"));
  });
  const std::string yaml = "store: \"" + pg.url() + "\"\nadmin_key: adm\nlog: {access: off}\naudit: {durable: true}\n"
                           "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + up.base_url() + "\"}\n";
  Switchyard a(yaml), b(yaml);
  ASSERT_TRUE(a.ready()) << a.log();
  ASSERT_TRUE(b.ready()) << b.log();
  const std::map<std::string, std::string> admin = {{"authorization", "Bearer adm"}};
  const std::string ask = R"({"model":"chat","messages":[{"role":"user","content":"hi"}]})";

  ASSERT_EQ(post_json(a.port(), "/admin/models/chat/versions", R"({"version":"v2","upstream_model":"gpt-b"})", admin).status, 200);
  ASSERT_EQ(post_json(a.port(), "/admin/models/chat/promote", R"({"version":"v2"})", admin).status, 200);
  EXPECT_TRUE(eventually([&] { return post_json(b.port(), "/v1/chat/completions", ask).header("x-switchyard-version") == "v2"; }, 1s))
      << "replica b did not follow the promotion made through replica a";

  // Load on both; replica a is killed in the middle of it.
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&, c] {
      const auto& target = c % 2 ? a : b;
      while (!stop) {
        try {
          auto r = post_json(target.port(), "/v1/chat/completions", ask);
          if (r.status == 200) {
            std::lock_guard lock(mu);
            acknowledged.insert(r.header("x-request-id"));
          }
        } catch (const std::exception&) {
          std::this_thread::sleep_for(1ms);  // replica a is gone
        }
      }
    });
  }
  std::this_thread::sleep_for(1200ms);
  a.kill_hard();
  std::this_thread::sleep_for(300ms);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_GT(acknowledged.size(), 20u);

  auto verify = run_switchyard({"audit", "verify", "--config", b.config_file()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  auto store = store::Store::open(pg.url());
  ASSERT_TRUE(store.ok()) << store.error().message;
  std::set<std::string> recorded;
  int64_t expected_seq = 1;
  bool contiguous = true;
  ASSERT_TRUE((*store)->scan_audit(1, [&](const store::AuditRow& row) {
    contiguous = contiguous && row.seq == expected_seq++;
    recorded.insert(row.entry.request_id);
    return true;
  }).ok());
  EXPECT_TRUE(contiguous) << "two writers, one chain: seq has gaps";
  size_t missing = 0;
  for (const auto& id : acknowledged) missing += !recorded.contains(id);
  std::printf("two replicas on PostgreSQL, one killed: %zu acknowledged, %zu records, %zu missing\n", acknowledged.size(),
              recorded.size(), missing);
  EXPECT_EQ(missing, 0u);
}

}  // namespace
}  // namespace sy::testing
