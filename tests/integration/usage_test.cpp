// Usage, cost and budgets in a running server: rate limits and a monthly budget per key and team
// (429 in the client's format), spend that survives a restart, local cost from the TCO model,
// and GET /admin/usage by key, team, model, version and day.
#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>
#include <unistd.h>

#include "harness.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

// 1M prompt + 0.5M completion tokens of gpt-4o-mini: $0.15 + $0.30 = $0.45 an answer.
const char* kExpensive =
    R"({"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":1000000,"completion_tokens":500000,"total_tokens":1500000}})";

std::string config(const std::string& db, const std::string& base_url) {
  return "store: \"sqlite:" + db + "\"\nadmin_key: adm\nlog: {access: off}\n"
         "prices: \"" SWITCHYARD_SOURCE_DIR "/data/prices.yaml\"\n"
         "keys:\n"
         "  - {name: alice, key: ka, team: risk, limits: {requests_per_minute: 2}}\n"
         "  - {name: bob, key: kb, team: risk}\n"
         "  - {name: carol, key: kc, team: ops}\n"
         "teams:\n  - {name: risk, limits: {usd_per_month: 1.0}}\n"
         "local_cost: {hardware_usd: 36000, amortization_months: 36, power_watts: 1000, usd_per_kwh: 0.2,\n"
         "             staff_usd_per_month: 854, tokens_per_month: 1000000}\n"
         "models:\n"
         "  - {name: mini, provider: openai, api_key: sk-upstream, model: gpt-4o-mini, base_url: \"" + base_url + "\"}\n"
         "  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", context: 256, threads: 1}\n";
}

HttpResult ask(const Switchyard& sy, const std::string& key, const std::string& model = "mini") {
  return post_json(sy.port(), "/v1/chat/completions",
                   R"({"model":")" + model + R"(","max_tokens":8,"messages":[{"role":"user","content":"hi"}]})",
                   {{"authorization", "Bearer " + key}});
}

json::array usage(const Switchyard& sy, const std::string& by) {
  auto r = http_request(sy.port(), "GET", "/admin/usage?by=" + by, "", {{"authorization", "Bearer adm"}});
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body).at("data").as_array();
}

const json::object* row(const json::array& rows, const std::string& by, const std::string& value) {
  for (const auto& r : rows) {
    if (r.at(by).as_string() == value) return &r.as_object();
  }
  return nullptr;
}

TEST(Usage, LimitsBudgetsAndTheUsageReport) {
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) { c.send(200, kExpensive); });
  auto dir = std::filesystem::temp_directory_path() / ("sy-usage-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db = (dir / "store.db").string();
  {
    Switchyard sy(config(db, up.base_url()));
    ASSERT_TRUE(sy.ready()) << sy.log();
    // alice: two requests a minute. They cost $0.90 of team risk's $1.00.
    ASSERT_EQ(ask(sy, "ka").status, 200);
    ASSERT_EQ(ask(sy, "ka").status, 200);
    // bob is in the same team: the budget is shared, and $0.90 + an estimate fits; once that
    // answer is settled ($1.35), the team is over.
    ASSERT_EQ(ask(sy, "kb").status, 200);
    auto over = ask(sy, "kb");
    ASSERT_EQ(over.status, 429) << over.body;
    auto e = json::parse(over.body).at("error");
    EXPECT_EQ(e.at("type").as_string(), "insufficient_quota");
    EXPECT_NE(std::string(e.at("message").as_string()).find("Team 'risk'"), std::string::npos) << over.body;
    EXPECT_FALSE(over.header("retry-after").empty());
    // alice's third request in the minute meets her rate limit (checked before the budget).
    auto limited = ask(sy, "ka");
    ASSERT_EQ(limited.status, 429);
    EXPECT_EQ(json::parse(limited.body).at("error").at("code").as_string(), "rate_limit_exceeded");
    EXPECT_FALSE(limited.header("retry-after").empty());
    // carol's team has no budget.
    ASSERT_EQ(ask(sy, "kc").status, 200);
    // A local answer costs what the TCO model says: $2,000 a month over 1M tokens = $0.002 a token.
    auto local = ask(sy, "kc", "tiny");
    ASSERT_EQ(local.status, 200) << local.body;
    auto local_usage = json::parse(local.body).at("usage");
    double local_tokens = static_cast<double>(local_usage.at("total_tokens").to_number<int64_t>());

    auto by_team = usage(sy, "team");
    const auto* risk = row(by_team, "team", "risk");
    ASSERT_NE(risk, nullptr);
    EXPECT_EQ(risk->at("requests").to_number<int64_t>(), 5);  // three answered, one over budget, one over the rate
    EXPECT_EQ(risk->at("errors").to_number<int64_t>(), 2);
    EXPECT_NEAR(risk->at("cost_usd").to_number<double>(), 1.35, 1e-6);
    auto by_key = usage(sy, "key");
    EXPECT_NEAR(row(by_key, "key", "alice")->at("cost_usd").to_number<double>(), 0.90, 1e-6);
    auto by_model = usage(sy, "target");
    EXPECT_NEAR(row(by_model, "target", "tiny")->at("cost_usd").to_number<double>(), local_tokens * 0.002, 1e-6);
    auto by_version = usage(sy, "version");
    ASSERT_NE(row(by_version, "version", "v1"), nullptr);
    auto by_day = usage(sy, "day");
    ASSERT_EQ(by_day.size(), 1u);
    EXPECT_EQ(by_day[0].at("day").as_string().size(), 10u);  // YYYY-MM-DD
    EXPECT_EQ(http_request(sy.port(), "GET", "/admin/usage?by=color", "", {{"authorization", "Bearer adm"}}).status, 400);
    EXPECT_EQ(http_request(sy.port(), "GET", "/admin/usage").status, 401);
  }
  // The month's spend is read back after a restart: the budget is still spent.
  Switchyard again(config(db, up.base_url()));
  ASSERT_TRUE(again.ready()) << again.log();
  EXPECT_EQ(ask(again, "kb").status, 429);
  EXPECT_EQ(ask(again, "kc").status, 200);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sy::testing
