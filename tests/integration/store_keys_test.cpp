// Keys kept in the store, through the real binary: `switchyard keys create` makes a key that two
// `switchyard serve` replicas sharing one store (a SQLite file, or a real PostgreSQL) accept
// without a restart, and `keys revoke` has both refuse it within a second (the delay is measured
// and printed). Roles and scopes through HTTP, and the admin API on its own listener.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <boost/json.hpp>
#include <unistd.h>

#include "harness.h"
#include "support/postgres_server.h"

namespace sy::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::string temp_db(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sy-keys-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return "sqlite:" + (dir / "store.db").string();
}

std::string yaml_for(const std::string& store_url, const FakeUpstream& up, const std::string& extra = {}) {
  return "store: \"" + store_url + "\"\nlog: {access: off}\naudit: {durable: false}\n" + extra +
         "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + up.base_url() + "\"}\n"
         "  - {name: other, provider: openai_compat, model: gpt-b, base_url: \"" + up.base_url() + "\"}\n";
}

// The JSON object a `keys ... --json` command printed (the line that starts with '{').
json::object json_output(const CommandResult& r) {
  auto start = r.output.find('{');
  if (start == std::string::npos) return {};
  boost::system::error_code ec;
  auto v = json::parse(r.output.substr(start, r.output.find('\n', start) - start), ec);
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

// Makes a key with the CLI and returns its secret ("" and a test failure if it could not).
std::string create_key(const std::string& config_file, const std::vector<std::string>& options) {
  std::vector<std::string> args = {"keys", "create", "--config", config_file, "--author", "it", "--json"};
  args.insert(args.end(), options.begin(), options.end());
  auto r = run_switchyard(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto o = json_output(r);
  const auto* key = o.if_contains("key");
  EXPECT_TRUE(key && key->is_string()) << r.output;
  return key && key->is_string() ? std::string(key->as_string()) : std::string();
}

std::map<std::string, std::string> bearer(const std::string& key) { return {{"authorization", "Bearer " + key}}; }

int chat_status(uint16_t port, const std::string& key, const std::string& model = "chat") {
  return post_json(port, "/v1/chat/completions", chat_body(model, "hi"), key.empty() ? std::map<std::string, std::string>{} : bearer(key))
      .status;
}

// Polls both replicas until each answers `want` for `key`; the milliseconds each took (-1: not
// within the timeout).
std::pair<double, double> until_both(const Switchyard& a, const Switchyard& b, const std::string& key, int want,
                                     Clock::time_point since) {
  double ms_a = -1, ms_b = -1;
  auto deadline = since + 3s;
  while (Clock::now() < deadline && (ms_a < 0 || ms_b < 0)) {
    for (auto [sy, ms] : {std::pair{&a, &ms_a}, std::pair{&b, &ms_b}}) {
      if (*ms >= 0) continue;
      if (chat_status(sy->port(), key) == want) {
        *ms = std::chrono::duration<double, std::milli>(Clock::now() - since).count();
      }
    }
    std::this_thread::sleep_for(5ms);
  }
  return {ms_a, ms_b};
}

void create_use_revoke_on_two_replicas(const std::string& store_url, const char* backend) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) { echo_cloud(r, c, 0); });
  // A config key too, so that the servers ask for a key from the start: the new key's
  // acceptance is then its own.
  const auto yaml = yaml_for(store_url, up, "keys:\n  - {name: from-config, key: sk-config}\n");
  Switchyard a(yaml), b(yaml);
  ASSERT_TRUE(a.ready()) << a.log();
  ASSERT_TRUE(b.ready()) << b.log();
  EXPECT_EQ(chat_status(a.port(), ""), 401);

  auto before_create = Clock::now();
  auto secret = create_key(a.config_file(), {"--name", "alice", "--team", "research"});
  ASSERT_FALSE(secret.empty());
  auto created = Clock::now();
  auto [acc_a, acc_b] = until_both(a, b, secret, 200, created);
  EXPECT_GE(acc_a, 0) << "replica a never accepted the new key";
  EXPECT_GE(acc_b, 0) << "replica b never accepted the new key";
  EXPECT_LT(std::max(acc_a, acc_b), 1000);
  EXPECT_EQ(chat_status(b.port(), "sk-sy-notakeyatallnotakeyatallnotakeyatallnotakey"), 401);
  EXPECT_EQ(chat_status(b.port(), "sk-config"), 200);  // config keys keep working beside

  auto list = run_switchyard({"keys", "list", "--config", b.config_file()});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("alice"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find(secret.substr(0, 14)), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find(secret.substr(14)), std::string::npos) << "list shows a secret:\n" << list.output;

  auto before_revoke = Clock::now();
  auto revoke = run_switchyard({"keys", "revoke", "alice", "--config", a.config_file(), "--author", "it"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.output;
  auto revoked = Clock::now();
  auto [ref_a, ref_b] = until_both(a, b, secret, 401, revoked);
  EXPECT_GE(ref_a, 0) << "replica a still accepts the revoked key";
  EXPECT_GE(ref_b, 0) << "replica b still accepts the revoked key";
  EXPECT_LT(std::max(ref_a, ref_b), 1000);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(chat_status(a.port(), secret), 401);
    EXPECT_EQ(chat_status(b.port(), secret), 401);
  }
  std::printf("[keys %s] created -> accepted on a after %.0f ms, on b after %.0f ms (CLI %.0f ms); "
              "revoked -> refused on a after %.0f ms, on b after %.0f ms (CLI %.0f ms)\n",
              backend, acc_a, acc_b, std::chrono::duration<double, std::milli>(created - before_create).count(), ref_a,
              ref_b, std::chrono::duration<double, std::milli>(revoked - before_revoke).count());
  auto refused = post_json(b.port(), "/v1/chat/completions", chat_body("chat", "hi"), bearer(secret));
  EXPECT_NE(refused.body.find("API key 'alice' has been revoked."), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("\"type\":\"authentication_error\""), std::string::npos) << refused.body;
}

TEST(StoreKeys, TwoReplicasOnOneSqliteFileAcceptAndRefuseWithinASecond) {
  auto url = temp_db("replicas");
  create_use_revoke_on_two_replicas(url, "sqlite");
  std::filesystem::remove_all(std::filesystem::path(url.substr(7)).parent_path());
}

TEST(StoreKeys, TwoReplicasOnPostgresAcceptAndRefuseWithinASecond) {
  PostgresServer pg;
  if (pg.missing()) GTEST_SKIP() << pg.error();
  ASSERT_TRUE(pg.ok()) << pg.error();
  create_use_revoke_on_two_replicas(pg.url(), "postgres");
}

TEST(StoreKeys, RolesScopesAndExpiry) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) { echo_cloud(r, c, 0); });
  auto url = temp_db("roles");
  Switchyard sy(yaml_for(url, up));
  ASSERT_TRUE(sy.ready()) << sy.log();
  const auto cfg = sy.config_file();
  EXPECT_EQ(chat_status(sy.port(), ""), 200);  // no key anywhere yet: open
  auto user = create_key(cfg, {"--name", "u1", "--rpm", "3"});
  auto scoped = create_key(cfg, {"--name", "u2", "--models", "chat"});
  auto viewer = create_key(cfg, {"--name", "v1", "--role", "viewer"});
  auto auditor = create_key(cfg, {"--name", "a1", "--role", "auditor"});
  auto op = create_key(cfg, {"--name", "o1", "--role", "operator"});
  ASSERT_FALSE(user.empty() || scoped.empty() || viewer.empty() || auditor.empty() || op.empty());
  ASSERT_TRUE(eventually([&] { return chat_status(sy.port(), op) == 200; }, 2s)) << sy.log();
  EXPECT_EQ(chat_status(sy.port(), ""), 401);  // the store has keys now: the server asks for one

  // The admin API by role.
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/models", "", bearer(viewer)).status, 200);
  auto denied = post_json(sy.port(), "/admin/models/chat/versions", R"({"version":"v2","upstream_model":"gpt-b"})", bearer(viewer));
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_NE(denied.body.find("takes the role operator or admin"), std::string::npos) << denied.body;
  EXPECT_EQ(post_json(sy.port(), "/admin/models/chat/versions", R"({"version":"v2","upstream_model":"gpt-b"})", bearer(op)).status, 200);
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/usage?by=key", "", bearer(auditor)).status, 200);
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/usage?by=key", "", bearer(viewer)).status, 403);
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/models", "", bearer(user)).status, 403);
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/usage", "", bearer(user)).status, 403);

  // Inference: user, operator; never viewer or auditor (403), though they may list models.
  EXPECT_EQ(chat_status(sy.port(), viewer), 403);
  EXPECT_EQ(chat_status(sy.port(), auditor), 403);
  EXPECT_EQ(http_request(sy.port(), "GET", "/v1/models", "", bearer(viewer)).status, 200);

  // Scopes: u2 may use chat only; u1 3 requests a minute.
  EXPECT_EQ(chat_status(sy.port(), scoped, "other"), 403);
  EXPECT_EQ(chat_status(sy.port(), scoped, "chat"), 200);
  EXPECT_EQ(chat_status(sy.port(), user), 200);
  EXPECT_EQ(chat_status(sy.port(), user), 200);
  EXPECT_EQ(chat_status(sy.port(), user), 200);
  auto limited = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "hi"), bearer(user));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_NE(limited.body.find("Key 'u1' is over its limit of 3 requests per minute."), std::string::npos) << limited.body;

  // Expiry: accepted until the time, then a clear 401.
  auto in_two_seconds = std::chrono::system_clock::now() + 2s;
  auto t = std::chrono::system_clock::to_time_t(in_two_seconds) + 1;
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  auto brief = create_key(cfg, {"--name", "brief", "--expires", when});
  ASSERT_FALSE(brief.empty());
  EXPECT_TRUE(eventually([&] { return chat_status(sy.port(), brief) == 200; }, 2s));
  EXPECT_TRUE(eventually([&] { return chat_status(sy.port(), brief) == 401; }, 5s));
  auto expired = post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "hi"), bearer(brief));
  EXPECT_NE(expired.body.find("API key 'brief' expired at "), std::string::npos) << expired.body;

  // Rotate: the new secret works, the old is refused.
  auto rotated = run_switchyard({"keys", "rotate", "o1", "--config", cfg, "--json"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output;
  auto fresh = std::string(json_output(rotated).at("key").as_string());
  EXPECT_TRUE(eventually([&] { return chat_status(sy.port(), op) == 401 && chat_status(sy.port(), fresh) == 200; }, 2s));

  // Bad input: exit 2 with a reason; an unknown key to revoke: exit 1.
  auto bad = run_switchyard({"keys", "create", "--name", "x", "--role", "root", "--config", cfg});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("role must be one of"), std::string::npos) << bad.output;
  EXPECT_EQ(run_switchyard({"keys", "revoke", "nobody", "--config", cfg}).exit_code, 1);

  // The audit chain holds each change with its author, and verifies.
  auto exported = run_switchyard({"audit", "export", "--config", cfg});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find("keys create"), std::string::npos);
  EXPECT_NE(exported.output.find("keys rotate"), std::string::npos);
  EXPECT_EQ(exported.output.find("sk-sy-"), std::string::npos) << "a secret in the audit trail";
  auto verified = run_switchyard({"audit", "verify", "--config", cfg});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  std::filesystem::remove_all(std::filesystem::path(url.substr(7)).parent_path());
}

TEST(StoreKeys, ConfigKeysKeepWorkingAndMayHaveARole) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) { echo_cloud(r, c, 0); });
  auto url = temp_db("config");
  Switchyard sy(yaml_for(url, up,
                         "keys:\n  - {name: plain, key: sk-plain}\n  - {name: watcher, key: sk-watch, role: viewer}\n"));
  ASSERT_TRUE(sy.ready()) << sy.log();
  EXPECT_EQ(chat_status(sy.port(), "sk-plain"), 200);
  EXPECT_EQ(chat_status(sy.port(), "sk-watch"), 403);
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/models", "", bearer("sk-watch")).status, 200);
  EXPECT_EQ(http_request(sy.port(), "GET", "/admin/models", "", bearer("sk-plain")).status, 403);
  // A store key may not take a config key's name.
  auto clash = run_switchyard({"keys", "create", "--name", "plain", "--config", sy.config_file()});
  EXPECT_EQ(clash.exit_code, 1) << clash.output;
  EXPECT_NE(clash.output.find("has a key named 'plain' already"), std::string::npos) << clash.output;
  std::filesystem::remove_all(std::filesystem::path(url.substr(7)).parent_path());
}

// The `admin HOST:PORT` line of a server's ready file.
uint16_t admin_port(const Switchyard& sy) {
  std::ifstream in(sy.dir() + "/ready");
  std::string word, addr;
  while (in >> word) {
    if (word == "admin" && in >> addr) return static_cast<uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
  }
  return 0;
}

TEST(StoreKeys, AdminListenServesTheAdminApiAloneAndTheMainListener404s) {
  FakeUpstream up([](const ReceivedRequest& r, FakeConnection& c) { echo_cloud(r, c, 0); });
  Switchyard sy("admin_key: adm\nadmin_listen: 127.0.0.1:0\nlog: {access: off}\n"
                "models:\n  - {name: chat, provider: openai_compat, model: gpt-a, base_url: \"" + up.base_url() + "\"}\n");
  ASSERT_TRUE(sy.ready()) << sy.log();
  auto admin = admin_port(sy);
  ASSERT_NE(admin, 0) << "no admin line in the ready file";
  ASSERT_NE(admin, sy.port());
  const auto adm = bearer("adm");
  auto on_main = http_request(sy.port(), "GET", "/admin/models", "", adm);
  EXPECT_EQ(on_main.status, 404) << on_main.body;
  EXPECT_NE(on_main.body.find("Unknown endpoint: GET /admin/models"), std::string::npos) << on_main.body;
  EXPECT_EQ(post_json(sy.port(), "/admin/models/chat/rollback", "{}", adm).status, 404);
  EXPECT_EQ(http_request(admin, "GET", "/admin/models", "", adm).status, 200);
  EXPECT_EQ(http_request(admin, "GET", "/admin/models", "").status, 401);  // still keyed
  EXPECT_EQ(post_json(admin, "/v1/chat/completions", chat_body("chat", "hi")).status, 404);
  EXPECT_EQ(http_request(admin, "GET", "/readyz", "").status, 200);
  EXPECT_EQ(post_json(sy.port(), "/v1/chat/completions", chat_body("chat", "hi")).status, 200);
  sy.terminate();
  EXPECT_EQ(sy.wait_exit(10s), 0) << sy.log();  // both listeners drain and the process ends
}

}  // namespace
}  // namespace sy::testing
