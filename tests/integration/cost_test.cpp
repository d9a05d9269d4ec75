// A cloud answer's cost: the provider's usage at data/prices.yaml's price, in the access log and
// in /metrics. Local answers carry no per-token price.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <unistd.h>

#include "harness.h"

namespace sy::testing {
namespace {

TEST(Cost, ACloudAnswerIsPricedFromItsUsage) {
  // completion_json reports 10 prompt and 5 completion tokens (see harness.cpp); make it bigger.
  FakeUpstream up([](const ReceivedRequest&, FakeConnection& c) {
    c.send(200, R"({"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",)"
                R"("choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],)"
                R"("usage":{"prompt_tokens":1000000,"completion_tokens":500000,"total_tokens":1500000,)"
                R"("prompt_tokens_details":{"cached_tokens":200000}}})");
  });
  auto log_file = std::filesystem::temp_directory_path() / ("switchyard-cost-" + std::to_string(::getpid()) + ".log");
  Switchyard sy("log: {access: \"" + log_file.string() + "\"}\n"
                "prices: \"" SWITCHYARD_SOURCE_DIR "/data/prices.yaml\"\n"
                "models:\n  - {name: mini, provider: openai, api_key: sk-upstream, model: gpt-4o-mini, base_url: \"" + up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto r = post_json(sy.port(), "/v1/chat/completions", R"({"model":"mini","messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  // gpt-4o-mini: 0.8M fresh x 0.15 + 0.2M cached x 0.075 + 0.5M x 0.60 = 0.12 + 0.015 + 0.30
  const double expected = 0.435;
  ASSERT_TRUE(eventually([&] {
    return http_request(sy.port(), "GET", "/metrics").body.find("switchyard_cost_usd_total{model=\"mini\"} 0.435000") !=
           std::string::npos;
  }, 5s));
  std::string line;
  ASSERT_TRUE(eventually([&] {
    std::ifstream in(log_file);
    std::getline(in, line);
    return !line.empty();
  }, 5s));
  auto record = boost::json::parse(line).as_object();
  EXPECT_NEAR(record["cost_usd"].to_number<double>(), expected, 1e-9);
  std::filesystem::remove(log_file);
}

}  // namespace
}  // namespace sy::testing
