// The registry at run time, over a real SQLite store: seeding, canary share, pinning, shadow
// share, promotion, and retirement that waits for the requests still holding a version.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include <unistd.h>

#include "config/config.h"
#include "serving/registry.h"
#include "ops/registry_actions.h"

namespace sy::serving {
using ops::AddVersion;
using ops::Metrics;
using ops::add_version;
using ops::promote;
using ops::retire;
using ops::set_traffic_alias;
using ops::rollback;
using ops::describe_models;
namespace {

using namespace std::chrono_literals;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sy-registry-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    url_ = "sqlite:" + (dir_ / "store.db").string();
    auto cfg = config::load_string(
        "models:\n"
        "  - {name: chat, provider: openai_compat, base_url: \"http://127.0.0.1:9/v1\", model: gpt-a}\n"
        "  - {name: other, provider: openai_compat, base_url: \"http://127.0.0.1:9/v1\"}\n",
        "t.yaml");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    config_ = *cfg;
    auto store = store::Store::open(url_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    metrics_ = std::make_unique<Metrics>(std::vector<std::string>{"chat", "other"});
    registry_ = std::make_unique<Registry>(config_, store_, *metrics_, RegistryOptions{50ms});
    auto started = registry_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
  }
  void TearDown() override {
    registry_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Waits until the registry runs what the store holds now.
  void live() {
    auto wanted = store_->generation();
    ASSERT_TRUE(wanted.ok());
    registry_->poke();
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (registry_->applied_generation() < *wanted && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    ASSERT_GE(registry_->applied_generation(), *wanted);
  }
  void add(const std::string& version, const std::string& upstream) {
    AddVersion a;
    a.version.model = "chat";
    a.version.version = version;
    a.version.upstream_model = upstream;
    a.version.author = "test";
    auto r = add_version(*store_, a);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  std::string version_for(const std::string& caller) {
    auto r = registry_->resolve("chat", caller);
    return r ? r->deployment->version : "none";
  }

  std::filesystem::path dir_;
  std::string url_;
  std::shared_ptr<const config::Config> config_;
  std::shared_ptr<store::Store> store_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, EveryConfiguredModelStartsAsV1InProduction) {
  for (const char* model : {"chat", "other"}) {
    auto r = registry_->resolve(model, "key:a");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->deployment->version, "v1");
    EXPECT_EQ(r->role, Role::production);
  }
  EXPECT_EQ(registry_->resolve("chat", "key:a")->deployment->config.upstream_model, "gpt-a");
  EXPECT_FALSE(registry_->resolve("unknown", "key:a"));
  auto described = describe_models(*store_, "chat");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->at("models").at("chat").at("aliases").at("production").at("version").as_string(), "v1");
}

TEST_F(RegistryTest, CanaryTakesItsShareOfCallersStickily) {
  add("v2", "gpt-b");
  ASSERT_TRUE(set_traffic_alias(*store_, "chat", "canary", "v2", 10, "test").ok());
  live();
  int canary = 0;
  for (int i = 0; i < 10'000; ++i) {
    auto r = registry_->resolve("chat", "user:" + std::to_string(i));
    ASSERT_TRUE(r);
    if (r->deployment->version == "v2") {
      ++canary;
      EXPECT_EQ(r->role, Role::canary);
      EXPECT_EQ(r->deployment->config.upstream_model, "gpt-b");  // the version's artifact
    }
  }
  EXPECT_NEAR(canary, 1000, 300);
  for (int i = 0; i < 100; ++i) {
    auto caller = "user:" + std::to_string(i);
    EXPECT_EQ(version_for(caller), version_for(caller));
  }
  // Pinning by version or alias; an unknown pin is no deployment.
  EXPECT_EQ(registry_->resolve("chat", "x", "v2")->deployment->version, "v2");
  EXPECT_EQ(registry_->resolve("chat", "x", "canary")->deployment->version, "v2");
  EXPECT_EQ(registry_->resolve("chat", "x", "production")->deployment->version, "v1");
  EXPECT_FALSE(registry_->resolve("chat", "x", "v9"));
}

TEST_F(RegistryTest, ShadowTakesAShareOfRequests) {
  add("v2", "gpt-b");
  ASSERT_TRUE(set_traffic_alias(*store_, "chat", "shadow", "v2", 50, "test").ok());
  live();
  int shadowed = 0;
  for (int i = 0; i < 10'000; ++i) {
    auto s = registry_->shadow_for("chat", "req-" + std::to_string(i));
    if (s) {
      ++shadowed;
      EXPECT_EQ(s->deployment->version, "v2");
    }
  }
  EXPECT_NEAR(shadowed, 5000, 300);
  // Production is untouched by a shadow.
  EXPECT_EQ(version_for("user:1"), "v1");
  EXPECT_FALSE(registry_->shadow_for("other", "req-1"));
}

TEST_F(RegistryTest, PromoteRollbackAndRetireWaitForRequestsInFlight) {
  add("v2", "gpt-b");
  auto in_flight = registry_->resolve("chat", "key:a");  // a request that holds v1
  ASSERT_TRUE(in_flight);
  std::weak_ptr<Deployment> v1 = in_flight->deployment;

  ASSERT_TRUE(promote(*store_, "chat", "v2", "production", "test").ok());
  live();
  EXPECT_EQ(version_for("key:a"), "v2");
  auto back = rollback(*store_, "chat", "test");
  ASSERT_TRUE(back.ok()) << back.error().message;
  live();
  EXPECT_EQ(version_for("key:a"), "v1");
  ASSERT_TRUE(promote(*store_, "chat", "v2", "production", "test").ok());
  // Retiring the version production names is refused; v1 may go.
  auto refused = retire(*store_, "chat", "v2", "test");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status, 409);
  ASSERT_TRUE(retire(*store_, "chat", "v1", "test").ok());
  live();
  EXPECT_EQ(version_for("key:a"), "v2");
  // `models show` tells who moved production, when, and to what.
  auto shown = describe_models(*store_, "chat");
  ASSERT_TRUE(shown.ok());
  const auto& history = shown->at("models").at("chat").at("history").at("production").as_array();
  ASSERT_GE(history.size(), 3u);
  EXPECT_EQ(history.back().at("version").as_string(), "v2");
  EXPECT_EQ(history.back().at("author").as_string(), "test");
  // The request that still holds v1 keeps it alive after the retirement...
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(v1.expired());
  EXPECT_EQ(in_flight->deployment->config.upstream_model, "gpt-a");
  // ...and once it ends, the registry lets v1 go.
  in_flight.reset();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!v1.expired() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(v1.expired());
}

TEST_F(RegistryTest, AChangeFromAnotherConnectionIsFollowedWithoutBeingWoken) {
  add("v2", "gpt-b");
  auto other = store::Store::open(url_);  // as the CLI or another replica would
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(promote(**other, "chat", "v2", "production", "cli").ok());
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (version_for("key:a") != "v2" && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(version_for("key:a"), "v2");
}

}  // namespace
}  // namespace sy::serving

namespace sy::serving {
using ops::AddVersion;
using ops::Metrics;
namespace {

TEST_F(RegistryTest, TheConfigDrivesProductionUntilAPersonPromotes) {
  auto restart_with = [&](const std::string& upstream) {
    registry_.reset();
    auto cfg = config::load_string("models:\n  - {name: chat, provider: openai_compat, base_url: \"http://127.0.0.1:9/v1\", model: " +
                                       upstream + "}\n", "t.yaml");
    ASSERT_TRUE(cfg.ok());
    config_ = *cfg;
    registry_ = std::make_unique<Registry>(config_, store_, *metrics_, RegistryOptions{50ms});
    ASSERT_TRUE(registry_->start().ok());
  };
  // The operator edits the config: the new upstream becomes v2, production, on the record.
  restart_with("gpt-a2");
  EXPECT_EQ(version_for("key:a"), "v2");
  EXPECT_EQ(registry_->resolve("chat", "key:a")->deployment->config.upstream_model, "gpt-a2");
  restart_with("gpt-a2");  // nothing changed: nothing new
  EXPECT_EQ(version_for("key:a"), "v2");
  // Someone promotes a registry version: from now on the config's artifact does not move production.
  add("v9", "gpt-z");
  ASSERT_TRUE(promote(*store_, "chat", "v9", "production", "alice").ok());
  restart_with("gpt-a3");
  EXPECT_EQ(version_for("key:a"), "v9");
  auto state = store_->load_registry();
  ASSERT_TRUE(state.ok());
  size_t chat_versions = 0;
  for (const auto& v : state->versions) chat_versions += v.model == "chat";
  EXPECT_EQ(chat_versions, 3u);  // v1, v2, v9: nothing made for gpt-a3
}

}  // namespace
}  // namespace sy::serving
