// `switchyard cost plan --from-audit`: real requests through the real binary into a SQLite store,
// then the planner reads that store back: how many queries, how many tokens, what went local
// (an on-premises host), what went to the cloud and what it cost.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <boost/json.hpp>
#include <unistd.h>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

// An OpenAI-compatible upstream whose every answer used 1,000 prompt and 375 completion tokens.
void answer_with_fixed_usage(const ReceivedRequest&, FakeConnection& c) {
  c.send(200, R"({"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",)"
              R"("choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],)"
              R"("usage":{"prompt_tokens":1000,"completion_tokens":375,"total_tokens":1375}})");
}

double number(const json::value& v) { return v.to_number<double>(); }

TEST(CostPlanFromAudit, CountsAndPricesTheTrafficInTheStore) {
  FakeUpstream cloud(answer_with_fixed_usage);
  FakeUpstream in_house(answer_with_fixed_usage);
  auto db = std::filesystem::temp_directory_path() / ("switchyard-cost-plan-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(db);
  const std::string store_url = "sqlite:" + db.string();
  {
    Switchyard sy("store: \"" + store_url + "\"\n"
                  "prices: \"" SWITCHYARD_SOURCE_DIR "/data/prices.yaml\"\n"
                  "models:\n"
                  "  - {name: mini, provider: openai, api_key: sk-upstream, model: gpt-4o-mini, base_url: \"" +
                  cloud.base_url() + "\"}\n"
                  "  - {name: onprem, provider: openai_compat, model: llama, on_premises: true, base_url: \"" +
                  in_house.base_url() + "\"}\n");
    ASSERT_TRUE(sy.ready()) << sy.log();
    for (int i = 0; i < 4; ++i) ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("mini", "hi")).status, 200);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("onprem", "hi")).status, 200);
    ASSERT_EQ(http_request(sy.port(), "GET", "/v1/models").status, 200);  // audited, but no model answered
    sy.terminate();
    ASSERT_EQ(sy.wait_exit(10s), 0) << sy.log();
  }

  auto r = run_switchyard({"cost", "plan", "--from-audit", "--since", "30d", "--store", store_url, "--local", "onprem",
                           "--prices", SWITCHYARD_SOURCE_DIR "/data/prices.yaml", "--inputs",
                           SWITCHYARD_SOURCE_DIR "/data/cost/example.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto plan = json::parse(r.output).as_object();
  const auto& seen = plan.at("observed").as_object();
  EXPECT_EQ(seen.at("queries").as_int64(), 6);
  EXPECT_EQ(seen.at("local_queries").as_int64(), 2);
  EXPECT_EQ(seen.at("cloud_queries").as_int64(), 4);
  EXPECT_EQ(seen.at("prompt_tokens").as_int64(), 6000);
  EXPECT_EQ(seen.at("completion_tokens").as_int64(), 2250);
  EXPECT_GE(seen.at("unanswered").as_int64(), 1);
  // gpt-4o-mini: 1,000 × $0.15 + 375 × $0.60 per 1M = $0.000375 an answer, 4 answers.
  EXPECT_NEAR(number(seen.at("cloud_cost_usd")), 0.0015, 1e-9);

  // The plan's traffic is the observed one: 6 queries over 30 days, the per-query averages, and
  // the hybrid's cloud share as it was.
  const auto& traffic = plan.at("traffic").as_object();
  EXPECT_NEAR(number(traffic.at("queries_per_day")), 6.0 / 30, 1e-6);
  EXPECT_NEAR(number(traffic.at("input_tokens")), 1000, 1e-9);
  EXPECT_NEAR(number(traffic.at("output_tokens")), 375, 1e-9);
  EXPECT_NEAR(number(plan.at("hybrid").at("cloud_share")), 4.0 / 6, 1e-9);
  // All six at the cloud's price, over a 30-day month.
  EXPECT_NEAR(number(plan.at("cloud").at("usd_per_month")), 6 * 0.000375, 1e-6);
  // The fixed costs still come from the inputs file.
  EXPECT_EQ(plan.at("owned").at("usd").as_int64(), 1469);

  // With the server's config instead, the on-premises host is known as local without --local.
  std::filesystem::path config = db.string() + ".yaml";
  {
    std::ofstream(config) << "store: \"" << store_url << "\"\n"
                          << "models:\n  - {name: mini, provider: openai, api_key: sk, model: gpt-4o-mini}\n"
                          << "  - {name: onprem, provider: openai_compat, model: llama, on_premises: true, "
                             "base_url: \"http://127.0.0.1:9/v1\"}\n";
  }
  auto by_config = run_switchyard({"cost", "plan", "--from-audit", "--config", config.string(), "--prices",
                                   SWITCHYARD_SOURCE_DIR "/data/prices.yaml", "--json"});
  ASSERT_EQ(by_config.exit_code, 0) << by_config.output;
  auto plan2 = json::parse(by_config.output).as_object();
  EXPECT_EQ(plan2.at("observed").at("local_queries").as_int64(), 2);
  EXPECT_EQ(plan2.at("observed").at("cloud_queries").as_int64(), 4);

  // A window before any of it sees nothing.
  auto empty = run_switchyard({"cost", "plan", "--from-audit", "--since", "2020-01-01", "--until", "2020-02-01", "--store",
                               store_url, "--prices", SWITCHYARD_SOURCE_DIR "/data/prices.yaml", "--json"});
  ASSERT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(json::parse(empty.output).at("observed").at("queries").as_int64(), 0);

  std::filesystem::remove(db);
  std::filesystem::remove(config);
}

TEST(CostPlanCli, BadInputsExitWith2AndSayWhich) {
  auto missing_store = run_switchyard({"cost", "plan", "--from-audit", "--store", "sqlite:/nonexistent/cost.db"});
  EXPECT_EQ(missing_store.exit_code, 2) << missing_store.output;
  EXPECT_NE(missing_store.output.find("no store"), std::string::npos) << missing_store.output;

  auto bad_share = run_switchyard({"cost", "plan", "--prices", SWITCHYARD_SOURCE_DIR "/data/prices.yaml", "--inputs",
                                   SWITCHYARD_SOURCE_DIR "/data/cost/example.yaml", "--cloud-share", "1.5"});
  EXPECT_EQ(bad_share.exit_code, 2) << bad_share.output;
  EXPECT_NE(bad_share.output.find("hybrid.cloud_share"), std::string::npos) << bad_share.output;

  auto unknown_model = run_switchyard({"cost", "plan", "--prices", SWITCHYARD_SOURCE_DIR "/data/prices.yaml",
                                       "--model", "gpt-99"});
  EXPECT_EQ(unknown_model.exit_code, 2) << unknown_model.output;
  EXPECT_NE(unknown_model.output.find("gpt-99"), std::string::npos) << unknown_model.output;

  auto table = run_switchyard({"cost", "plan", "--prices", SWITCHYARD_SOURCE_DIR "/data/prices.yaml", "--inputs",
                               SWITCHYARD_SOURCE_DIR "/data/cost/example.yaml", "--power-watts", "600"});
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("TWD 1,728"), std::string::npos) << table.output;
}

}  // namespace
}  // namespace sy::testing
