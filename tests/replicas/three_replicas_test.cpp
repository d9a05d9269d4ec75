// Replicas in practice: three `switchyard serve` processes on loopback behind nginx, sharing one
// PostgreSQL (registry, audit chain, usage) and one Redis (limits, budgets), all started here with
// their own temporary directories and free ports. Over a real minute of load it checks and prints:
//   - a key limited to 100 requests/minute gets 100 +- 2 successes across the three replicas;
//   - a team budget of $1.00 is never exceeded by more than one in-flight request's cost
//     (a fake OpenAI on loopback answers with usage priced from data/prices.yaml);
//   - a promotion made through one replica is live on the other two within a second;
//   then, with one replica killed by SIGKILL under load, every 200 the client got has its audit
//   record, and `switchyard audit verify` passes on the chain the three wrote.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "harness.h"
#include "store/store.h"
#include "support/child_process.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"

namespace sy::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// nginx in front of the replicas: its config written here, run with -p/-c/-e (no root paths).
class Nginx {
 public:
  Nginx(const std::vector<uint16_t>& upstreams) {
    std::error_code ec;
    std::string tmpl = (fs::temp_directory_path(ec) / "switchyard-nginx-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return;
    dir_ = tmpl;
    for (int attempt = 0; attempt < 3 && !ready_; ++attempt) start(upstreams);
  }
  ~Nginx() {
    stop();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  bool ready() const { return ready_; }
  uint16_t port() const { return port_; }
  std::string log() const {
    std::ifstream in(dir_ + "/error.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  void start(const std::vector<uint16_t>& upstreams) {
    port_ = static_cast<uint16_t>(free_loopback_port());
    std::ofstream conf(dir_ + "/nginx.conf");
    conf << "worker_processes 1;\nerror_log " << dir_ << "/error.log warn;\npid " << dir_ << "/nginx.pid;\n"
         << "events { worker_connections 4096; }\nhttp {\n  access_log off;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf << "  " << temp << "_temp_path " << dir_ << "/" << temp << ";\n";
    }
    conf << "  upstream switchyard {\n";
    for (auto p : upstreams) conf << "    server 127.0.0.1:" << p << " max_fails=1 fail_timeout=5s;\n";
    conf << "    keepalive 64;\n  }\n"
         << "  server {\n    listen 127.0.0.1:" << port_ << ";\n    location / {\n"
         << "      proxy_pass http://switchyard;\n      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
         << "      proxy_buffering off;\n      proxy_connect_timeout 1s;\n      proxy_read_timeout 30s;\n"
         << "      proxy_next_upstream error timeout;\n    }\n  }\n}\n";
    conf.close();
    std::vector<std::string> argv{"/usr/sbin/nginx", "-p", dir_, "-c", dir_ + "/nginx.conf", "-e", dir_ + "/error.log", "-g", "daemon off;"};
    pid_ = spawn_quiet(argv);
    ready_ = eventually([&] {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return true;  // exited: port taken?
      try {
        return http_request(port_, "GET", "/healthz").status == 200;
      } catch (const std::exception&) {
        return false;
      }
    }, 10s) && ::kill(pid_, 0) == 0;
    if (!ready_) stop();
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGQUIT);
    if (!eventually([&] { return ::waitpid(pid_, nullptr, WNOHANG) == pid_; }, 5s)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  bool ready_ = false;
};

// Each answer: 1,000 prompt and 100,000 completion tokens of gpt-4o-mini ($0.15 and $0.60 per
// 1M): $0.06015. Requests ask max_tokens 100,000, so the admission estimate covers the real cost.
constexpr double kAnswerUsd = 1000 * 0.15 / 1e6 + 100000 * 0.60 / 1e6;
const std::string kPricedAnswer =
    R"({"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,)"
    R"("message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":1000,"completion_tokens":100000,"total_tokens":101000}})";

HttpResult post_quietly(uint16_t port, const std::string& body, const std::string& key) {
  try {
    return post_json(port, "/v1/chat/completions", body, {{"authorization", "Bearer " + key}});
  } catch (const std::exception&) {
    return HttpResult{};  // status 0: no answer (a replica killed mid-request)
  }
}

TEST(ThreeReplicas, BehindNginxWithPostgresAndRedis) {
  PostgresServer pg;
  if (pg.missing()) GTEST_SKIP() << pg.error();
  ASSERT_TRUE(pg.ok()) << pg.error();
  RedisServer redis;
  if (redis.missing()) GTEST_SKIP() << redis.error();
  ASSERT_TRUE(redis.ok()) << redis.error();
  if (::access("/usr/sbin/nginx", X_OK) != 0) GTEST_SKIP() << "/usr/sbin/nginx not found: install nginx-light (scripts/setup)";

  FakeUpstream cloud([](const ReceivedRequest&, FakeConnection& c) {
    std::this_thread::sleep_for(30ms);  // long enough for requests to overlap in flight
    c.send(200, kPricedAnswer);
  });
  const std::string yaml = "store: \"" + pg.url() + "\"\nadmin_key: adm\nlog: {access: off}\naudit: {durable: true}\n"
                           "redis: \"" + redis.url() + "\"\n"
                           "prices: \"" SWITCHYARD_SOURCE_DIR "/data/prices.yaml\"\n"
                           "keys:\n"
                           "  - {name: rated, key: k-rated, limits: {requests_per_minute: 100}}\n"
                           "  - {name: spender, key: k-spend, team: money}\n"
                           "  - {name: steady, key: k-steady}\n"
                           "teams:\n  - {name: money, limits: {usd_per_month: 1.00}}\n"
                           "models:\n  - {name: mini, provider: openai, api_key: sk-up, model: gpt-4o-mini, base_url: \"" +
                           cloud.base_url() + "\"}\n";
  std::vector<std::unique_ptr<Switchyard>> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(std::make_unique<Switchyard>(yaml));
    ASSERT_TRUE(replicas.back()->ready()) << replicas.back()->log();
  }
  Nginx nginx({replicas[0]->port(), replicas[1]->port(), replicas[2]->port()});
  ASSERT_TRUE(nginx.ready()) << nginx.log();
  const std::string ask = R"({"model":"mini","max_tokens":100000,"messages":[{"role":"user","content":"hello"}]})";

  // --- A minute of load: the rated key and the team budget, through nginx. -------------------
  std::atomic<bool> stop{false};
  std::atomic<int> rated_ok{0}, rated_429{0}, rated_other{0}, spend_ok{0}, spend_429{0}, spend_other{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        auto r = post_quietly(nginx.port(), ask, "k-rated");
        (r.status == 200 ? rated_ok : r.status == 429 ? rated_429 : rated_other).fetch_add(1);
        std::this_thread::sleep_for(20ms);  // about 100 requests a second from the three
      }
    });
  }
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        auto r = post_quietly(nginx.port(), ask, "k-spend");
        (r.status == 200 ? spend_ok : r.status == 429 ? spend_429 : spend_other).fetch_add(1);
        if (r.status == 429) std::this_thread::sleep_for(100ms);
      }
    });
  }
  auto load_started = Clock::now();

  // --- Meanwhile a promotion through replica 1, watched on replicas 2 and 3 directly. --------
  std::this_thread::sleep_for(2s);
  const std::map<std::string, std::string> admin = {{"authorization", "Bearer adm"}};
  ASSERT_EQ(post_json(replicas[0]->port(), "/admin/models/mini/versions", R"({"version":"v2","upstream_model":"gpt-4o-mini-v2"})", admin).status, 200);
  auto promoted_at = Clock::now();
  ASSERT_EQ(post_json(replicas[0]->port(), "/admin/models/mini/promote", R"({"version":"v2"})", admin).status, 200);
  std::vector<double> live_ms(3, -1);
  for (int i = 1; i < 3; ++i) {
    bool live = eventually([&] {
      return post_quietly(replicas[static_cast<size_t>(i)]->port(), ask, "k-steady").header("x-switchyard-version") == "v2";
    }, 5s);
    // Both polled in turn: the second replica's time includes the first's wait, an upper bound.
    if (live) live_ms[static_cast<size_t>(i)] = std::chrono::duration<double, std::milli>(Clock::now() - promoted_at).count();
  }

  // A minute of load in all, less a second: the window's first second is then still counted.
  std::this_thread::sleep_until(load_started + 59s);
  stop = true;
  for (auto& t : clients) t.join();
  clients.clear();
  double load_s = std::chrono::duration<double>(Clock::now() - load_started).count();

  // --- One replica killed under load: nothing acknowledged may be lost. ----------------------
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> failed_during_kill{0};
  stop = false;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        auto r = post_quietly(nginx.port(), ask, "k-steady");
        if (r.status == 200) {
          std::lock_guard lock(mu);
          acknowledged.insert(r.header("x-request-id"));
        } else {
          failed_during_kill.fetch_add(1);
        }
      }
    });
  }
  std::this_thread::sleep_for(1s);
  replicas[2]->kill_hard();
  std::this_thread::sleep_for(2s);
  stop = true;
  for (auto& t : clients) t.join();

  // --- What the store holds. ------------------------------------------------------------------
  auto store = store::Store::open(pg.url());
  ASSERT_TRUE(store.ok()) << store.error().message;
  std::set<std::string> recorded;
  int64_t spender_cost_micro = 0;
  int64_t records = 0;
  ASSERT_TRUE((*store)->scan_audit(1, [&](const store::AuditRow& row) {
    ++records;
    recorded.insert(row.entry.request_id);
    if (row.entry.key_name == "spender" && row.entry.status == 200) spender_cost_micro += row.entry.cost_micro_usd;
    return true;
  }).ok());
  size_t missing = 0;
  for (const auto& id : acknowledged) missing += !recorded.contains(id);
  auto verify = run_switchyard({"audit", "verify", "--config", replicas[0]->config_file()}, 120s);

  double spent = static_cast<double>(spender_cost_micro) / 1e6;
  std::printf("three replicas behind nginx, PostgreSQL + Redis, %.1f s of load:\n", load_s);
  std::printf("  rate limit 100/min: %d successes, %d refused (429), %d other\n", rated_ok.load(), rated_429.load(), rated_other.load());
  std::printf("  team budget $1.00: %d successes, spent $%.5f (audit), one request $%.5f, over by $%.5f; %d refused, %d other\n",
              spend_ok.load(), spent, kAnswerUsd, std::max(0.0, spent - 1.0), spend_429.load(), spend_other.load());
  std::printf("  promote through replica 1: live on replica 2 after %.0f ms, on replica 3 after %.0f ms\n", live_ms[1], live_ms[2]);
  std::printf("  replica 3 killed (SIGKILL) under load: %zu acknowledged, %zu missing from the audit chain (%lld records), %d not answered 200\n",
              acknowledged.size(), missing, static_cast<long long>(records), failed_during_kill.load());
  std::printf("  audit verify: exit %d\n", verify.exit_code);

  EXPECT_NEAR(rated_ok.load(), 100, 2);
  EXPECT_GT(rated_429.load(), 100) << "the load must go well past the limit";
  EXPECT_EQ(rated_other.load(), 0);
  EXPECT_NEAR(spent, kAnswerUsd * spend_ok.load(), 1e-6) << "the audit's costs and the client's successes disagree";
  EXPECT_LE(spent, 1.00 + kAnswerUsd + 1e-9);
  EXPECT_GE(spend_ok.load(), 15) << "the budget admits about 16 requests of $0.06";
  EXPECT_EQ(spend_other.load(), 0);
  EXPECT_GE(live_ms[1], 0);
  EXPECT_GE(live_ms[2], 0);
  EXPECT_LT(live_ms[1], 1000);
  EXPECT_LT(live_ms[2], 1000);
  EXPECT_GT(acknowledged.size(), 20u);
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace sy::testing
