// What an operator's monitoring reads from /metrics: the process's own series under the names every
// Prometheus client library uses, the request series under OpenTelemetry's GenAI names beside
// switchyard's, and every series the Grafana dashboard in deploy/grafana/ queries.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "harness.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

// The value of the sample line `name{labels} value` (or `name value`), or -1 when absent.
double sample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class MonitoringTest : public ::testing::Test {
 protected:
  std::string config() const {
    return "log: {access: off}\ncache: {ttl: 1m}\noutput_guard: {on_sensitive: redact}\n"
           "models:\n  - {name: cloud, provider: openai_compat, retries: 0, base_url: \"" + up_.base_url() + "\"}\n"
           "  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", context: 256, threads: 1}\n";
  }
  FakeUpstream up_{[](const ReceivedRequest&, FakeConnection& c) { c.send(200, completion_json("Four words of answer.")); }};
};

TEST_F(MonitoringTest, ProcessAndGenAiSeriesCountWhatHappened) {
  Switchyard sy(config());
  ASSERT_TRUE(sy.ready()) << sy.log();
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("cloud", "Hello there")).status, 200);
  auto metrics = http_request(sy.port(), "GET", "/metrics").body;

  EXPECT_GT(sample(metrics, "process_resident_memory_bytes"), 1 << 20) << metrics;
  EXPECT_GT(sample(metrics, "process_virtual_memory_bytes"), sample(metrics, "process_resident_memory_bytes"));
  EXPECT_GT(sample(metrics, "process_cpu_seconds_total"), 0);
  EXPECT_GE(sample(metrics, "process_threads"), 2);
  EXPECT_GE(sample(metrics, "process_open_fds"), 3);  // at least the listener and a log
  EXPECT_GT(sample(metrics, "process_max_fds"), sample(metrics, "process_open_fds"));
  // Started within the last minute, by the wall clock.
  double started = sample(metrics, "process_start_time_seconds");
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(started, now - 60);
  EXPECT_LE(started, now + 1);

  const std::string chat = "gen_ai_operation_name=\"chat\",gen_ai_request_model=\"cloud\"";
  EXPECT_EQ(sample(metrics, "gen_ai_server_request_duration_seconds_count{" + chat + "}"), 1) << metrics;
  EXPECT_EQ(sample(metrics, "gen_ai_server_time_to_first_token_seconds_count{" + chat + "}"), 1);
  // completion_json reports 9 prompt and 3 completion tokens.
  EXPECT_EQ(sample(metrics, "gen_ai_client_token_usage_sum{" + chat + ",gen_ai_token_type=\"input\"}"), 9);
  EXPECT_EQ(sample(metrics, "gen_ai_client_token_usage_sum{" + chat + ",gen_ai_token_type=\"output\"}"), 3);
  EXPECT_EQ(sample(metrics, "gen_ai_client_token_usage_bucket{" + chat + ",gen_ai_token_type=\"input\",le=\"16\"}"), 1);
  EXPECT_EQ(sample(metrics, "gen_ai_client_token_usage_bucket{" + chat + ",gen_ai_token_type=\"input\",le=\"4\"}"), 0);

  // Embeddings are their own operation.
  ASSERT_EQ(post_json(sy.port(), "/v1/embeddings", R"({"model":"tiny","input":"VPN"})").status, 200);
  metrics = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_EQ(sample(metrics, "gen_ai_server_request_duration_seconds_count{gen_ai_operation_name=\"embeddings\",gen_ai_request_model=\"tiny\"}"), 1)
      << metrics;
}

// Every series a panel of the dashboard queries is one the server exports (with a cache, an output
// guard and a local model configured, as a production config has them).
TEST_F(MonitoringTest, TheGrafanaDashboardQueriesOnlySeriesTheServerExports) {
  std::ifstream in(SWITCHYARD_SOURCE_DIR "/deploy/grafana/switchyard.json");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  auto dashboard = json::parse(text.str()).as_object();
  std::set<std::string> queried;
  const std::regex name(R"(\b(?:switchyard|gen_ai|process)_[a-z_]+)");
  for (const auto& panel : dashboard.at("panels").as_array()) {
    for (const auto& target : panel.at("targets").as_array()) {
      std::string expr(target.at("expr").as_string());
      // Label names (in `by (...)` and `{...}` selectors) are not series.
      expr = std::regex_replace(expr, std::regex(R"(\bby\s*\([^)]*\)|\{[^}]*\})"), " ");
      for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it) queried.insert(it->str());
    }
  }
  ASSERT_GE(queried.size(), 20u);

  Switchyard sy(config());
  ASSERT_TRUE(sy.ready()) << sy.log();
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("cloud", "Hello there")).status, 200);
  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  for (const auto& q : queried) {
    // A histogram's _bucket/_sum/_count and a family's samples all start with its TYPE name.
    std::string family = std::regex_replace(q, std::regex("_(bucket|sum|count)$"), "");
    bool exported = metrics.find("# TYPE " + family + " ") != std::string::npos ||
                    metrics.find("\n" + q + "{") != std::string::npos || metrics.find("\n" + q + " ") != std::string::npos;
    EXPECT_TRUE(exported) << q << " is queried by the dashboard but not exported";
  }
}

}  // namespace
}  // namespace sy::testing
