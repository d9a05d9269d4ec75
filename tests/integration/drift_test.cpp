// Drift on live traffic against the real binary: /admin/drift needs the admin key; a shift of the
// traffic (English FAQ questions → Chinese ones answered with refusals) reads as drift, and back;
// the webhook hears each change of state once, from a receiver on the loopback; a webhook that
// never answers holds up no request; `switchyard drift report` prints the table.
#include <gtest/gtest.h>

#include <set>

#include <boost/json.hpp>

#include "harness.h"

namespace sy::testing {
namespace {

namespace json = boost::json;

const std::map<std::string, std::string> kUser = {{"Authorization", "Bearer ku"}};
const std::map<std::string, std::string> kAdmin = {{"Authorization", "Bearer adm"}};

// Refuses whatever holds a Han character, answers the rest.
void cloud(const ReceivedRequest& req, FakeConnection& c) {
  bool han = req.body.find("\xe5") != std::string::npos || req.body.find("\\u") != std::string::npos;
  c.send(200, completion_json(han ? "I'm sorry, but I can't help with that." : "Full-time staff receive 15 days of annual leave."));
}

class DriftTest : public ::testing::Test {
 protected:
  std::string config(const std::string& webhook, const std::string& extra = {}) const {
    return "log: {access: off}\nadmin_key: adm\n"
           "keys:\n  - {name: user, key: ku}\n"
           "models:\n  - {name: cloud, provider: openai_compat, retries: 0, base_url: \"" + up_.base_url() + "\"}\n"
           "faq: {file: \"" SWITCHYARD_SOURCE_DIR "/data/faq/faq.jsonl\"}\n"
           "drift:\n  reference: 20\n  window: 20\n  min_samples: 20\n  interval: 50ms\n"
           // Latency, TTFT and lengths vary from run to run here: off, so the test sees only the shift it makes.
           "  thresholds: {psi_warning: 90, psi_drift: 99}\n" +
           (webhook.empty() ? std::string() : "  webhook: " + webhook + "\n  webhook_timeout: 1s\n") + extra;
  }
  void ask(const Switchyard& sy, const std::string& text) {
    auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("cloud", text), kUser);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  static std::string state_of(const Switchyard& sy) {
    auto r = http_request(sy.port(), "GET", "/admin/drift?model=cloud", {}, kAdmin);
    if (r.status != 200) return "http " + std::to_string(r.status);
    auto series = json::parse(r.body).at("series").as_array();
    return series.empty() ? "none" : std::string(series[0].at("state").as_string());
  }

  FakeUpstream up_{cloud};
};

TEST_F(DriftTest, AdminDriftNeedsTheAdminKey) {
  Switchyard sy(config(""));
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto none = http_request(sy.port(), "GET", "/admin/drift");
  EXPECT_EQ(none.status, 401) << none.body;
  auto user = http_request(sy.port(), "GET", "/admin/drift", {}, kUser);
  EXPECT_TRUE(user.status == 401 || user.status == 403) << user.status << " " << user.body;
  EXPECT_EQ(user.body.find("series"), std::string::npos);
  auto admin = http_request(sy.port(), "GET", "/admin/drift", {}, kAdmin);
  ASSERT_EQ(admin.status, 200) << admin.body;
  auto body = json::parse(admin.body).as_object();
  EXPECT_EQ(body.at("object").as_string(), "drift");
  EXPECT_EQ(body.at("reference").as_int64(), 20);
  EXPECT_TRUE(body.at("series").as_array().empty());
  auto bad = http_request(sy.port(), "GET", "/admin/drift?state=sideways", {}, kAdmin);
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto pin_unknown = post_json(sy.port(), "/admin/drift/pin", R"({"route":"cloud","model":"cloud","version":"v9"})", kAdmin);
  EXPECT_EQ(pin_unknown.status, 400) << pin_unknown.body;
  auto pin_user = post_json(sy.port(), "/admin/drift/pin", R"({"route":"cloud","model":"cloud","version":"v1"})", kUser);
  EXPECT_TRUE(pin_user.status == 401 || pin_user.status == 403) << pin_user.body;
}

TEST_F(DriftTest, AShiftReadsAsDriftAndTheWebhookHearsEachChangeOnce) {
  FakeUpstream receiver{[](const ReceivedRequest&, FakeConnection& c) { c.send(204, ""); }};
  Switchyard sy(config("http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/drift"));
  ASSERT_TRUE(sy.ready()) << sy.log();

  for (int i = 0; i < 40; ++i) ask(sy, "How many days of annual leave do I get each year?");
  ASSERT_TRUE(eventually([&] { return state_of(sy) == "ok"; }, 10s)) << state_of(sy);

  for (int i = 0; i < 20; ++i) ask(sy, "我今年有幾天特休？");
  ASSERT_TRUE(eventually([&] { return state_of(sy) == "drift"; }, 10s)) << state_of(sy);
  auto report = json::parse(http_request(sy.port(), "GET", "/admin/drift", {}, kAdmin).body).at("series").as_array();
  ASSERT_EQ(report.size(), 1u);
  const auto& series = report[0].as_object();
  EXPECT_EQ(series.at("route").as_string(), "cloud");
  EXPECT_EQ(series.at("model").as_string(), "cloud");
  EXPECT_EQ(series.at("version").as_string(), "v1");
  std::map<std::string, std::string> states;
  for (const auto& s : series.at("signals").as_array()) states[std::string(s.at("signal").as_string())] = s.at("state").as_string();
  EXPECT_EQ(states["script_mix"], "drift");
  EXPECT_EQ(states["refusal_rate"], "drift");
  EXPECT_EQ(states["domain"], "drift");
  // Both questions are about annual leave: the FAQ's topic (leave) did not move, its language did.
  EXPECT_EQ(states["faq_topic"], "ok");

  // The traffic goes back to what it was: once the window is the old traffic again, the state is too.
  for (int i = 0; i < 20; ++i) ask(sy, "How many days of annual leave do I get each year?");
  ASSERT_TRUE(eventually([&] { return state_of(sy) == "ok"; }, 10s)) << state_of(sy);

  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("switchyard_drift_state{route=\"cloud\",model=\"cloud\",version=\"v1\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("switchyard_drift_statistic{route=\"cloud\",model=\"cloud\",version=\"v1\",signal=\"script_mix\",statistic=\"js_distance\"}"),
            std::string::npos);
  auto changes_at = metrics.find("switchyard_drift_state_changes_total{route=\"cloud\",model=\"cloud\",version=\"v1\"} ");
  ASSERT_NE(changes_at, std::string::npos) << metrics;
  int changes = std::stoi(metrics.substr(metrics.find("} ", changes_at) + 2));

  // Every change, once, in order: ok → ... → drift → ... → ok, no step told twice.
  std::vector<std::pair<std::string, std::string>> told;
  ASSERT_TRUE(eventually([&] { return static_cast<int>(receiver.requests().size()) >= changes; }, 10s));
  for (const auto& r : receiver.requests()) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/hooks/drift");
    auto b = json::parse(r.body).as_object();
    EXPECT_EQ(b.at("event").as_string(), "drift.state_changed");
    EXPECT_EQ(b.at("series").at("model").as_string(), "cloud");
    told.emplace_back(b.at("from").as_string(), b.at("to").as_string());
  }
  ASSERT_EQ(static_cast<int>(told.size()), changes);
  ASSERT_GE(told.size(), 2u);
  EXPECT_EQ(told.front().first, "ok");
  EXPECT_EQ(told.back().second, "ok");
  bool drift_told = false;
  for (size_t i = 0; i < told.size(); ++i) {
    EXPECT_NE(told[i].first, told[i].second);
    if (i > 0) EXPECT_EQ(told[i].first, told[i - 1].second) << "a change told twice, or one missing";
    drift_told |= told[i].second == "drift";
  }
  EXPECT_TRUE(drift_told);
  // Derived features only: no prompt text in what was sent.
  for (const auto& r : receiver.requests()) EXPECT_EQ(r.body.find("annual leave"), std::string::npos);
  auto sent = "switchyard_drift_webhook_total{result=\"sent\"} " + std::to_string(changes) + "\n";
  EXPECT_TRUE(eventually([&] { return http_request(sy.port(), "GET", "/metrics").body.find(sent) != std::string::npos; }, 5s))
      << http_request(sy.port(), "GET", "/metrics").body.substr(http_request(sy.port(), "GET", "/metrics").body.find("switchyard_drift_webhook"), 300);
}

TEST_F(DriftTest, AWebhookThatNeverAnswersHoldsUpNoRequest) {
  // Accepts and never answers (the script waits past the webhook's 1 s limit).
  FakeUpstream silent{[](const ReceivedRequest&, FakeConnection&) { std::this_thread::sleep_for(3s); }};
  Switchyard sy(config("http://127.0.0.1:" + std::to_string(silent.port()) + "/"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (int i = 0; i < 40; ++i) ask(sy, "How many days of annual leave do I get each year?");
  ASSERT_TRUE(eventually([&] { return state_of(sy) == "ok"; }, 10s));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ask(sy, "我今年有幾天特休？");
  ASSERT_TRUE(eventually([&] { return state_of(sy) == "drift"; }, 10s));
  for (int i = 0; i < 20; ++i) ask(sy, "How many days of annual leave do I get each year?");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);  // the webhook's calls went on beside
  ASSERT_TRUE(eventually([&] { return http_request(sy.port(), "GET", "/metrics").body.find("switchyard_drift_webhook_total{result=\"failed\"} 0") == std::string::npos; }, 10s));
}

TEST_F(DriftTest, ARouteHasASeriesOfItsOwnBesideItsTargets) {
  Switchyard sy(config("", "routes:\n  - {name: auto, cloud: [cloud]}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (int i = 0; i < 3; ++i) {
    auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("auto", "Write a short poem about the sea."), kUser);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto r = http_request(sy.port(), "GET", "/admin/drift?route=auto", {}, kAdmin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto series = json::parse(r.body).at("series").as_array();
  ASSERT_EQ(series.size(), 2u) << r.body;
  std::set<std::string> names;
  for (const auto& s : series) {
    names.insert(std::string(s.at("model").as_string()) + "@" + std::string(s.at("version").as_string()));
    EXPECT_EQ(s.at("seen").as_int64(), 3);
    EXPECT_EQ(s.at("state").as_string(), "collecting");  // 3 of the reference's 20
  }
  EXPECT_EQ(names, (std::set<std::string>{"*@*", "cloud@v1"}));
}

TEST_F(DriftTest, DriftReportPrintsTheTable) {
  Switchyard sy(config(""));
  ASSERT_TRUE(sy.ready()) << sy.log();
  for (int i = 0; i < 40; ++i) ask(sy, "How many days of annual leave do I get each year?");
  for (int i = 0; i < 20; ++i) ask(sy, "我今年有幾天特休？");
  auto url = "http://127.0.0.1:" + std::to_string(sy.port());
  auto out = run_switchyard({"drift", "report", "--url", url, "--key", "adm"});
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("cloud -> cloud@v1: drift"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("script_mix"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("js_distance"), std::string::npos) << out.output;
  auto failing = run_switchyard({"drift", "report", "--url", url, "--key", "adm", "--fail-on", "drift"});
  EXPECT_EQ(failing.exit_code, 1) << failing.output;
  auto json_out = run_switchyard({"drift", "report", "--url", url, "--key", "adm", "--json"});
  EXPECT_EQ(json_out.exit_code, 0);
  EXPECT_NE(json_out.output.find("\"object\":\"drift\""), std::string::npos) << json_out.output;
  auto wrong_key = run_switchyard({"drift", "report", "--url", url, "--key", "ku"});
  EXPECT_EQ(wrong_key.exit_code, 2) << wrong_key.output;
  // --config: the address is the config's listen, here port 0: a URL is still needed, and said so.
  auto by_config = run_switchyard({"drift", "report", "--config", sy.config_file()});
  EXPECT_EQ(by_config.exit_code, 2) << by_config.output;
}

}  // namespace
}  // namespace sy::testing
