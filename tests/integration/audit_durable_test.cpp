// Durable audit: a request is acknowledged only once its record is on disk. Kill -9 the server
// under load; the chain still verifies and every acknowledged request id is in it.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include <unistd.h>

#include "harness.h"
#include "store/store.h"

namespace sy::testing {
namespace {

TEST(AuditDurable, KillNineLosesNoAcknowledgedRequest) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("ok", "gpt-a")); });
  auto dir = std::filesystem::temp_directory_path() / ("sy-durable-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = (dir / "store.db").string();
  Switchyard sy("store: \"sqlite:" + db + "\"\nlog: {access: off}\naudit: {durable: true}\n"
                "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();

  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        try {
          auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"chat","messages":[{"role":"user","content":"hi"}]})");
          if (r.status == 200) {
            std::lock_guard lock(mu);
            acknowledged.insert(r.header("x-request-id"));
          }
        } catch (const std::exception&) {
          // The server is gone (killed): that request was never acknowledged.
        }
      }
    });
  }
  std::this_thread::sleep_for(1500ms);
  // The writer keeps up and says so: records committed, in far fewer transactions, none failed.
  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  auto value = [&](const std::string& name) {
    auto at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size() + 2));
  };
  EXPECT_GT(value("switchyard_audit_records_total"), 50);
  EXPECT_GT(value("switchyard_audit_commits_total"), 0);
  EXPECT_LT(value("switchyard_audit_commits_total"), value("switchyard_audit_records_total"));
  EXPECT_EQ(value("switchyard_audit_failures_total"), 0);
  sy.kill_hard();  // mid-load: requests are in flight and records are being committed
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_GT(acknowledged.size(), 50u);

  auto verify = run_switchyard({"audit", "verify", "--config", sy.config_file()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;

  auto store = store::Store::open("sqlite:" + db);
  ASSERT_TRUE(store.ok()) << store.error().message;
  std::set<std::string> recorded;
  ASSERT_TRUE((*store)->scan_audit(1, [&](const store::AuditRow& row) {
    recorded.insert(row.entry.request_id);
    return true;
  }).ok());
  size_t missing = 0;
  for (const auto& id : acknowledged) missing += !recorded.contains(id);
  std::printf("kill -9 under load: %zu acknowledged, %zu records, %zu acknowledged but missing\n", acknowledged.size(),
              recorded.size(), missing);
  EXPECT_EQ(missing, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sy::testing

namespace sy::testing {
namespace {

// Prompt and answer text reach the audit trail only when the config asks, and then with every
// sensitive value replaced by its placeholder.
TEST(AuditText, KeptOnlyWhenAskedAndThenRedacted) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("Write to [EMAIL_1] today", "gpt-a")); });
  for (bool include_text : {true, false}) {
    auto dir = std::filesystem::temp_directory_path() / ("sy-audit-text-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Switchyard sy("store: \"sqlite:" + (dir / "store.db").string() + "\"\nlog: {access: off}\n"
                  "privacy: {on_sensitive: redact}\n"
                  "audit: {durable: true, include_text: " + std::string(include_text ? "true" : "false") + "}\n"
                  "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + up.base_url() + "\"}\n");
    ASSERT_TRUE(sy.ready()) << sy.log();
    auto r = post_json(sy.port(), "/v1/chat/completions",
                       R"({"model":"chat","messages":[{"role":"user","content":"Please mail alice@example.com the card 4111 1111 1111 1111"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("Write to alice@example.com today"), std::string::npos) << r.body;  // restored for the client
    auto exported = run_switchyard({"audit", "export", "--config", sy.config_file()});
    ASSERT_EQ(exported.exit_code, 0) << exported.output;
    EXPECT_EQ(exported.output.find("alice@example.com"), std::string::npos) << exported.output;
    EXPECT_EQ(exported.output.find("4111 1111 1111 1111"), std::string::npos) << exported.output;
    EXPECT_NE(exported.output.find("\"kinds\":[\"credit_card\",\"email\"]"), std::string::npos) << exported.output;
    if (include_text) {
      EXPECT_NE(exported.output.find("\"prompt_text\":\"Please mail [EMAIL_1] the card [CREDIT_CARD_1]\""), std::string::npos)
          << exported.output;
      EXPECT_NE(exported.output.find("\"answer_text\":\"Write to [EMAIL_1] today\""), std::string::npos) << exported.output;
    } else {
      EXPECT_EQ(exported.output.find("prompt_text"), std::string::npos) << exported.output;
      EXPECT_EQ(exported.output.find("answer_text"), std::string::npos) << exported.output;
    }
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace sy::testing
