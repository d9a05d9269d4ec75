// The registry in a running server: versions added and moved through the admin API and the CLI,
// a canary split measured over 10,000 routed requests, shadow copies, rollback, and retirement
// under a streaming load with no failed or cut response.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <unistd.h>

#include "harness.h"
#include "support/tiny_model.h"

namespace sy::testing {
namespace {

namespace json = boost::json;
const std::map<std::string, std::string> kAdmin = {{"authorization", "Bearer adm"}};

// A fake upstream that answers with the upstream model it was asked for, so the body says which
// version answered, and remembers every model name it saw.
struct EchoUpstream {
  std::mutex mu;
  std::multiset<std::string> seen;
  FakeUpstream up{[this](const ReceivedRequest& r, FakeConnection& c) {
    auto model = std::string(json::parse(r.body).at("model").as_string());
    {
      std::lock_guard lock(mu);
      seen.insert(model);
    }
    c.send(200, completion_json("from " + model, model));
  }};
  size_t count(const std::string& model) {
    std::lock_guard lock(mu);
    return seen.count(model);
  }
};

std::string temp_store(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sy-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "store.db").string();
}

std::string chat_body(const std::string& model, const std::string& user, const std::string& text = "hello") {
  return R"({"model":")" + model + R"(","user":")" + user + R"(","messages":[{"role":"user","content":")" + text + R"("}]})";
}

HttpResult admin_post(const Switchyard& sy, const std::string& path, const std::string& body = "{}") {
  return post_json(sy.port(), path, body, kAdmin);
}

TEST(Registry, CanarySplitPromoteAndRollbackThroughTheAdminApi) {
  EchoUpstream echo;
  auto db = temp_store("canary");
  Switchyard sy("store: \"sqlite:" + db + "\"\nadmin_key: adm\nlog: {access: off}\naudit: {durable: false}\n"
                "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + echo.up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();

  auto added = admin_post(sy, "/admin/models/chat/versions", R"({"version":"v2","upstream_model":"gpt-b","notes":"new prompt"})");
  ASSERT_EQ(added.status, 200) << added.body;
  auto canary = admin_post(sy, "/admin/models/chat/canary", R"({"version":"v2","percent":10})");
  ASSERT_EQ(canary.status, 200) << canary.body;
  EXPECT_TRUE(json::parse(canary.body).at("live").as_bool());

  // 10,000 routed requests from 10,000 callers, four clients at a time.
  constexpr int kRequests = 10'000, kClients = 4;
  std::atomic<int> to_v2{0}, failed{0}, mismatched{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = c; i < kRequests; i += kClients) {
        auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u" + std::to_string(i)));
        if (r.status != 200) {
          ++failed;
          continue;
        }
        bool v2 = r.header("x-switchyard-version") == "v2";
        to_v2 += v2;
        // The header and the answer agree on who answered.
        if (v2 != (r.body.find("from gpt-b") != std::string::npos)) ++mismatched;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(mismatched.load(), 0);
  std::printf("canary at 10%%: %d of %d requests went to v2\n", to_v2.load(), kRequests);
  EXPECT_NEAR(to_v2.load(), 1000, 300);  // within ±3% of all requests
  // Sticky: a caller stays with its version.
  for (int i = 0; i < 50; ++i) {
    auto a = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u" + std::to_string(i)));
    auto b = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u" + std::to_string(i)));
    EXPECT_EQ(a.header("x-switchyard-version"), b.header("x-switchyard-version"));
  }

  // Promote the canary: everyone gets v2; the canary is over.
  auto promoted = admin_post(sy, "/admin/models/chat/promote");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  auto p = json::parse(promoted.body);
  EXPECT_EQ(p.at("version").as_string(), "v2");
  EXPECT_EQ(p.at("was").as_string(), "v1");
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u" + std::to_string(i))).header("x-switchyard-version"), "v2");
  }
  // One command back.
  auto rolled = admin_post(sy, "/admin/models/chat/rollback");
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(json::parse(rolled.body).at("production").as_string(), "v1");
  auto after = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u1"));
  EXPECT_EQ(after.header("x-switchyard-version"), "v1");
  EXPECT_NE(after.body.find("from gpt-a"), std::string::npos);

  // Pinned: model@version.
  auto pinned = post_json(sy.port(), "/v1/chat/completions", chat_body("chat@v2", "u1"));
  EXPECT_EQ(pinned.status, 404) << pinned.body;  // v2 has no alias now: not deployed
  ASSERT_EQ(admin_post(sy, "/admin/models/chat/promote", R"({"version":"v2","alias":"staging"})").status, 200);
  pinned = post_json(sy.port(), "/v1/chat/completions", chat_body("chat@staging", "u1"));
  EXPECT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_EQ(pinned.header("x-switchyard-version"), "v2");

  // The admin API is the admin key's alone, and says what is wrong in OpenAI's error shape.
  EXPECT_EQ(post_json(sy.port(), "/admin/models/chat/promote", "{}").status, 401);
  auto bad = admin_post(sy, "/admin/models/chat/canary", R"({"version":"v2","percent":150})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("percent"), std::string::npos);
  EXPECT_EQ(admin_post(sy, "/admin/models/nope/promote", R"({"version":"v1"})").status, 404);
  auto listed = http_request(sy.port(), "GET", "/admin/models", "", kAdmin);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(json::parse(listed.body).at("models").at("chat").at("versions").as_array().size(), 2u);
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

TEST(Registry, ACliChangeIsLiveWithinASecond) {
  EchoUpstream echo;
  auto db = temp_store("cli");
  Switchyard sy("store: \"sqlite:" + db + "\"\nlog: {access: off}\n"
                "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + echo.up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto add = run_switchyard({"models", "add", "chat", "v2", "--upstream-model", "gpt-b", "--config", sy.config_file(),
                             "--author", "alice"});
  ASSERT_EQ(add.exit_code, 0) << add.output;
  auto promote = run_switchyard({"models", "promote", "chat", "v2", "--config", sy.config_file()});
  ASSERT_EQ(promote.exit_code, 0) << promote.output;
  auto changed = std::chrono::steady_clock::now();
  bool live = eventually([&] {
    return post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u")).header("x-switchyard-version") == "v2";
  }, 1s);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - changed);
  std::printf("CLI promote live after %lld ms\n", static_cast<long long>(took.count()));
  EXPECT_TRUE(live);
  auto list = run_switchyard({"models", "list", "--config", sy.config_file()});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("production"), std::string::npos) << list.output;
  auto rollback = run_switchyard({"models", "rollback", "chat", "--config", sy.config_file()});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.output;
  EXPECT_TRUE(eventually([&] {
    return post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u")).header("x-switchyard-version") == "v1";
  }, 1s));
  // Changes from the CLI are in the same audit chain as the server's requests, with their author.
  auto exported = run_switchyard({"audit", "export", "--config", sy.config_file()});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find(R"("key":"cli:alice","team":"","method":"CLI","path":"models add")"), std::string::npos)
      << exported.output;
  // A mistake is refused with a reason and a non-zero exit.
  auto wrong = run_switchyard({"models", "retire", "chat", "v1", "--config", sy.config_file()});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.output.find("production"), std::string::npos) << wrong.output;
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

TEST(Registry, ShadowCopiesAreRecordedNeverShownAndNeverSensitive) {
  EchoUpstream echo;
  Switchyard sy("admin_key: adm\nlog: {access: off}\nprivacy: {on_sensitive: redact}\n"
                "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + echo.up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  ASSERT_EQ(admin_post(sy, "/admin/models/chat/versions", R"({"version":"v2","upstream_model":"gpt-b"})").status, 200);
  ASSERT_EQ(admin_post(sy, "/admin/models/chat/shadow", R"({"version":"v2","percent":100})").status, 200);
  for (int i = 0; i < 10; ++i) {
    auto r = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u" + std::to_string(i)));
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("from gpt-a"), std::string::npos);  // the client sees production only
    EXPECT_EQ(r.body.find("gpt-b"), std::string::npos);
  }
  EXPECT_TRUE(eventually([&] { return echo.count("gpt-b") == 10; }, 5s)) << echo.count("gpt-b");
  // A sensitive request (answered in redact mode by production) gets no shadow copy.
  auto sensitive = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u", "mail alice@example.com please"));
  ASSERT_EQ(sensitive.status, 200) << sensitive.body;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(echo.count("gpt-b"), 10u);
  EXPECT_EQ(echo.count("gpt-a"), 11u);
  auto metrics = http_request(sy.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("switchyard_version_requests_total{model=\"chat\",version=\"v2\",status=\"200\"} 10"), std::string::npos);
}

TEST(Registry, AVersionCarriesItsSystemPromptAndSamplingDefaults) {
  std::mutex mu;
  std::vector<std::string> bodies;
  FakeUpstream up([&](const ReceivedRequest& r, FakeConnection& c) {
    {
      std::lock_guard lock(mu);
      bodies.push_back(r.body);
    }
    c.send(200, completion_json("ok", "gpt-a"));
  });
  Switchyard sy("admin_key: adm\nlog: {access: off}\n"
                "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto typo = admin_post(sy, "/admin/models/chat/versions",
                         R"({"version":"v2","upstream_model":"gpt-a","parameters":{"temprature":0.1}})");
  EXPECT_EQ(typo.status, 400);
  EXPECT_NE(typo.body.find("temprature"), std::string::npos) << typo.body;
  auto added = admin_post(sy, "/admin/models/chat/versions",
                          R"({"version":"v2","upstream_model":"gpt-a","alias":"staging",)"
                          R"("parameters":{"system_prompt":"Answer in French.","temperature":0.1}})");
  ASSERT_EQ(added.status, 200) << added.body;
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("chat@staging", "u")).status, 200);
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions",
                      R"({"model":"chat@staging","temperature":0.7,"messages":[{"role":"user","content":"hi"}]})").status, 200);
  ASSERT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "u")).status, 200);  // production: v1
  std::lock_guard lock(mu);
  ASSERT_EQ(bodies.size(), 3u);
  auto first = json::parse(bodies[0]).as_object();
  EXPECT_EQ(first.at("messages").as_array()[0].at("role").as_string(), "system");
  EXPECT_EQ(first.at("messages").as_array()[0].at("content").as_string(), "Answer in French.");
  EXPECT_DOUBLE_EQ(first.at("temperature").to_number<double>(), 0.1);
  EXPECT_DOUBLE_EQ(json::parse(bodies[1]).at("temperature").to_number<double>(), 0.7);  // the client's wins
  EXPECT_EQ(bodies[2].find("Answer in French."), std::string::npos);                      // v1 has no such default
}

// A registered GGUF that changed on disk is not what was approved: it does not serve, and the
// promotion says so at once. Rolling back restores service.
TEST(Registry, AFileChangedSinceRegistrationDoesNotServe) {
  auto v2_path = std::filesystem::temp_directory_path() / ("sy-changed-v2-" + std::to_string(::getpid()) + ".gguf");
  std::filesystem::copy_file(tiny_model_path(), v2_path, std::filesystem::copy_options::overwrite_existing);
  Switchyard sy("admin_key: adm\nlog: {access: off}\n"
                "models:\n  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", context: 256, threads: 1}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  ASSERT_EQ(admin_post(sy, "/admin/models/tiny/versions", R"({"version":"v2","path":")" + v2_path.string() + R"("})").status, 200);
  std::ofstream(v2_path, std::ios::app) << "tampered";
  auto promoted = admin_post(sy, "/admin/models/tiny/promote", R"({"version":"v2"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  auto serving = json::parse(promoted.body).at("serving").as_array();
  ASSERT_EQ(serving.size(), 1u);
  EXPECT_EQ(serving[0].at("version").as_string(), "v2");
  EXPECT_FALSE(serving[0].at("healthy").as_bool());
  EXPECT_NE(std::string(serving[0].at("reason").as_string()).find("changed since it was registered"), std::string::npos);
  const std::string ask = R"({"model":"tiny","max_tokens":4,"messages":[{"role":"user","content":"hi"}]})";
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", ask).status, 503);
  ASSERT_EQ(admin_post(sy, "/admin/models/tiny/rollback").status, 200);
  auto back = post_json(sy.port(), "/v1/chat/completions", ask);
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.header("x-switchyard-version"), "v1");
  std::filesystem::remove(v2_path);
}

// Streams that run while their version is retired finish whole; the version's model is unloaded
// only after the last of them.
TEST(Registry, RetireUnderStreamingLoadCutsNothing) {
  auto v2_path = std::filesystem::temp_directory_path() / ("sy-retire-v2-" + std::to_string(::getpid()) + ".gguf");
  std::filesystem::copy_file(tiny_model_path(), v2_path, std::filesystem::copy_options::overwrite_existing);
  Switchyard sy("admin_key: adm\nlog: {access: off}\naudit: {durable: false}\n"
                "models:\n  - {name: tiny, provider: local, path: \"" + tiny_model_path() + "\", slots: 4, context: 512, threads: 1}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  ASSERT_EQ(admin_post(sy, "/admin/models/tiny/versions", R"({"version":"v2","path":")" + v2_path.string() + R"("})").status, 200);

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0}, v1_streams_across_retire{0};
  std::atomic<int> phase{0};  // 0 before the retirement, 1 after
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stop; ++i) {
        // Long streams (400 tokens whatever the model samples) keep v1 busy across the promote and
        // retire calls, also on a loaded machine, where shorter ones could all end before them.
        int phase_at_start = phase.load();
        std::string events;
        auto r = stream_request(sy.port(), "/v1/chat/completions",
                                R"({"model":"tiny","stream":true,"max_tokens":400,"ignore_eos":true,"temperature":0.8,"seed":)" +
                                    std::to_string(c * 1000 + i) + R"(,"messages":[{"role":"user","content":"tell me"}]})",
                                [&](const std::string& bytes, std::chrono::milliseconds) {
                                  events += bytes;
                                  return true;
                                });
        // An error event, not the word: the tiny model's random text can hold "error" as a token.
        bool whole = r.status == 200 && events.find("data: [DONE]") != std::string::npos &&
                     events.find("\"finish_reason\":\"") != std::string::npos && events.find("data: {\"error\"") == std::string::npos;
        if (whole) {
          ++ok;
          if (phase_at_start == 0 && phase.load() == 1 && r.header("x-switchyard-version") == "v1") ++v1_streams_across_retire;
        } else {
          ++failed;
          std::lock_guard lock(mu);
          failures.push_back(std::to_string(r.status) + ": " + events.substr(0, 300));
        }
      }
    });
  }
  std::this_thread::sleep_for(700ms);
  auto promoted = admin_post(sy, "/admin/models/tiny/promote", R"({"version":"v2"})");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  auto retired = admin_post(sy, "/admin/models/tiny/retire", R"({"version":"v1"})");
  phase = 1;
  ASSERT_EQ(retired.status, 200) << retired.body;
  std::this_thread::sleep_for(700ms);
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0) << (failures.empty() ? "" : failures.front());
  EXPECT_GE(ok.load(), 8);  // each of the 4 clients finished at least two long streams
  EXPECT_GE(v1_streams_across_retire.load(), 1);  // some streams really were in flight on v1
  std::printf("retire under load: %d streams whole, %d failed, %d on v1 across the retirement\n", ok.load(), failed.load(),
              v1_streams_across_retire.load());
  // v1 is unloaded once its last stream ended; v2 serves.
  EXPECT_TRUE(eventually([&] { return sy.log().find("version 'v1' has no requests left; unloading it") != std::string::npos; }, 5s))
      << sy.log();
  auto models = json::parse(http_request(sy.port(), "GET", "/admin/models/tiny", "", kAdmin).body);
  auto serving = models.at("serving").as_array();
  ASSERT_EQ(serving.size(), 1u);
  EXPECT_EQ(serving[0].at("version").as_string(), "v2");
  EXPECT_TRUE(eventually([&] {
    return http_request(sy.port(), "GET", "/metrics").body.find("switchyard_local_loaded{model=\"tiny\",version=\"v1\"}") ==
           std::string::npos;
  }, 5s));
  std::filesystem::remove(v2_path);
}

}  // namespace
}  // namespace sy::testing
