#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace sy::config {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Every test YAML is written one line per string literal so the line numbers in the
// expected messages can be read off the comments.
const std::string kFullConfig =
    "listen: 0.0.0.0:9000\n"                 // 1
    "threads: 2\n"                           // 2
    "drain_timeout: 15s\n"                   // 3
    "log:\n"                                 // 4
    "  access: off\n"                        // 5
    "  level: info\n"                        // 6
    "limits:\n"                              // 7
    "  max_body: 16MiB\n"                    // 8
    "  max_header: 32KiB\n"                  // 9
    "  header_timeout: 5s\n"                 // 10
    "  body_timeout: 30s\n"                  // 11
    "  idle_timeout: 2m\n"                   // 12
    "  max_upstream_body: 1GiB\n"            // 13
    "store: /var/lib/switchyard.db\n"        // 14
    "keys:\n"                                // 15
    "  - name: alice\n"                      // 16
    "    key: sk-alice\n"                    // 17
    "    team: research\n"                   // 18
    "    models: [gpt-*, local-llama]\n"     // 19
    "    limits: {requests_per_minute: 60}\n"  // 20
    "  - name: bob\n"                        // 21
    "    key: sk-bob\n"                      // 22
    "models:\n"                              // 23
    "  - name: vllm-qwen\n"                  // 24
    "    provider: openai_compat\n"          // 25
    "    base_url: http://10.0.0.5:8000/v1\n"  // 26
    "    model: Qwen/Qwen2.5-7B\n"           // 27
    "    api_key: up-secret\n"               // 28
    "    headers:\n"                         // 29
    "      X-Org: acme\n"                    // 30
    "    connect_timeout: 250ms\n"           // 31
    "    first_byte_timeout: 30s\n"          // 32
    "    timeout: 5m\n"                      // 33
    "  - name: gpt-4o\n"                     // 34
    "    provider: openai\n"                 // 35
    "    api_key: sk-up\n"                   // 36
    "  - name: azure-4o\n"                   // 37
    "    provider: azure\n"                  // 38
    "    base_url: https://acme.openai.azure.com\n"  // 39
    "    deployment: prod-4o\n"              // 40
    "  - name: local-llama\n"                // 41
    "    provider: local\n"                  // 42
    "    path: /models/llama.gguf\n"         // 43
    "    slots: 4\n"                         // 44
    "    context: 8192\n"                    // 45
    "routes:\n"                              // 46
    "  - name: smart\n"                      // 47
    "    local: [local-llama]\n"             // 48
    "    cloud: [gpt-4o, azure-4o]\n"        // 49
    "privacy:\n"                             // 50
    "  on_sensitive: redact\n"               // 51
    "  dictionaries: []\n"                   // 52
    "audit:\n"                               // 53
    "  durable: false\n"                     // 54
    "  include_text: true\n";                // 55

std::shared_ptr<const Config> load_ok(const std::string& yaml) {
  auto r = load_string(yaml, "test.yaml");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : nullptr;
}

std::string load_error(const std::string& yaml) {
  auto r = load_string(yaml, "test.yaml");
  if (r.ok()) {
    ADD_FAILURE() << "expected the config to be rejected";
    return {};
  }
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

TEST(ConfigLoad, FullConfigTopLevel) {
  auto cfg = load_ok(kFullConfig);
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->file, "test.yaml");
  EXPECT_EQ(cfg->listen_host, "0.0.0.0");
  EXPECT_EQ(cfg->listen_port, 9000);
  EXPECT_EQ(cfg->threads, 2);
  EXPECT_EQ(cfg->drain_timeout, milliseconds(15'000));
  EXPECT_EQ(cfg->access_log, "off");
  EXPECT_EQ(cfg->store, "sqlite:/var/lib/switchyard.db");  // a bare path is an SQLite file
  EXPECT_EQ(cfg->on_sensitive, "redact");
  EXPECT_FALSE(cfg->audit.durable);
  EXPECT_TRUE(cfg->audit.include_text);
}

TEST(ConfigLoad, FullConfigLimits) {
  auto cfg = load_ok(kFullConfig);
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->limits.max_body_bytes, 16ull * 1024 * 1024);
  EXPECT_EQ(cfg->limits.max_header_bytes, 32u * 1024);
  EXPECT_EQ(cfg->limits.header_timeout, milliseconds(5'000));
  EXPECT_EQ(cfg->limits.body_timeout, milliseconds(30'000));
  EXPECT_EQ(cfg->limits.idle_timeout, milliseconds(120'000));
  EXPECT_EQ(cfg->limits.max_upstream_body_bytes, 1ull << 30);
}

TEST(ConfigLoad, FullConfigKeys) {
  auto cfg = load_ok(kFullConfig);
  ASSERT_NE(cfg, nullptr);
  ASSERT_EQ(cfg->keys.size(), 2u);
  EXPECT_EQ(cfg->keys[0].name, "alice");
  EXPECT_EQ(cfg->keys[0].key, "sk-alice");
  EXPECT_EQ(cfg->keys[0].team, "research");
  EXPECT_THAT(cfg->keys[0].models, ElementsAre("gpt-*", "local-llama"));
  EXPECT_EQ(cfg->keys[0].limits.requests_per_minute, 60);
  EXPECT_EQ(cfg->keys[1].name, "bob");
  EXPECT_EQ(cfg->keys[1].team, "");
  EXPECT_THAT(cfg->keys[1].models, ElementsAre("*"));
}

TEST(ConfigLoad, FullConfigModels) {
  auto cfg = load_ok(kFullConfig);
  ASSERT_NE(cfg, nullptr);
  ASSERT_EQ(cfg->models.size(), 4u);

  const auto& compat = cfg->models[0];
  EXPECT_EQ(compat.name, "vllm-qwen");
  EXPECT_EQ(compat.provider, ProviderKind::openai_compat);
  EXPECT_EQ(compat.upstream_model, "Qwen/Qwen2.5-7B");
  EXPECT_EQ(compat.base_url, "http://10.0.0.5:8000/v1");
  EXPECT_EQ(compat.api_key, "up-secret");
  ASSERT_EQ(compat.headers.size(), 1u);
  EXPECT_EQ(compat.headers.at("X-Org"), "acme");
  EXPECT_EQ(compat.timeouts.connect, milliseconds(250));
  EXPECT_EQ(compat.timeouts.first_byte, milliseconds(30'000));
  EXPECT_EQ(compat.timeouts.total, milliseconds(300'000));
  EXPECT_EQ(compat.line, 24);

  const auto& openai = cfg->models[1];
  EXPECT_EQ(openai.provider, ProviderKind::openai);
  EXPECT_EQ(openai.upstream_model, "gpt-4o");
  EXPECT_EQ(openai.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(openai.timeouts.connect, milliseconds(5'000));  // defaults
  EXPECT_EQ(openai.timeouts.total, milliseconds(600'000));
  EXPECT_EQ(openai.line, 34);

  const auto& azure = cfg->models[2];
  EXPECT_EQ(azure.provider, ProviderKind::azure);
  EXPECT_EQ(azure.base_url, "https://acme.openai.azure.com");
  EXPECT_EQ(azure.api_version, "2024-10-21");
  EXPECT_EQ(azure.deployment, "prod-4o");

  const auto& local = cfg->models[3];
  EXPECT_EQ(local.provider, ProviderKind::local);
  EXPECT_EQ(local.path, "/models/llama.gguf");
  EXPECT_EQ(local.slots, 4);
  EXPECT_EQ(local.context, 8192);
  EXPECT_EQ(local.base_url, "");
  EXPECT_FALSE(is_cloud(local.provider));
  EXPECT_TRUE(is_cloud(azure.provider));

  EXPECT_EQ(cfg->find_model("azure-4o"), &cfg->models[2]);
  EXPECT_EQ(cfg->find_model("missing"), nullptr);
}

TEST(ConfigLoad, FullConfigRoutes) {
  auto cfg = load_ok(kFullConfig);
  ASSERT_NE(cfg, nullptr);
  ASSERT_EQ(cfg->routes.size(), 1u);
  EXPECT_EQ(cfg->routes[0].name, "smart");
  EXPECT_THAT(cfg->routes[0].local, ElementsAre("local-llama"));
  EXPECT_THAT(cfg->routes[0].cloud, ElementsAre("gpt-4o", "azure-4o"));
  EXPECT_EQ(cfg->routes[0].line, 47);
}

TEST(ConfigLoad, StoreAndAuditAreActive) {
  auto cfg = load_ok(kFullConfig);
  ASSERT_NE(cfg, nullptr);
  EXPECT_TRUE(cfg->not_yet_active.empty());
  EXPECT_EQ(load_ok("store: postgres://sy@127.0.0.1:5432/sy\n")->store_url(), "postgres://sy@127.0.0.1:5432/sy");
  EXPECT_EQ(load_ok("audit: {durable: true}\n")->store_url(), "sqlite::memory:");
  EXPECT_THAT(load_error("store: mysql://x\n"), HasSubstr("store"));
}

TEST(ConfigLoad, LimitsForKeysAndTeams) {
  auto cfg = load_ok(
      "keys:\n"
      "  - {name: a, key: k1, team: t, limits: {requests_per_minute: 60, tokens_per_minute: 1000, usd_per_month: 5.5}}\n"
      "teams:\n"
      "  - {name: t, limits: {usd_per_month: 100}}\n"
      "local_cost: {hardware_usd: 36000, amortization_months: 36, power_watts: 1000, usd_per_kwh: 0.2,\n"
      "             staff_usd_per_month: 854, tokens_per_month: 1000000}\n");
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->keys[0].limits.requests_per_minute, 60);
  EXPECT_EQ(cfg->keys[0].limits.tokens_per_minute, 1000);
  EXPECT_DOUBLE_EQ(cfg->keys[0].limits.usd_per_month, 5.5);
  ASSERT_NE(cfg->find_team("t"), nullptr);
  EXPECT_DOUBLE_EQ(cfg->find_team("t")->limits.usd_per_month, 100);
  // 36000/36 + 1 kW * 730 h * 0.2 + 854 = 1000 + 146 + 854 = 2000 USD a month, over 1M tokens.
  EXPECT_DOUBLE_EQ(cfg->local_cost.monthly_usd(), 2000);
  EXPECT_DOUBLE_EQ(cfg->local_cost.usd_per_token(), 0.002);
  EXPECT_THAT(load_error("keys:\n  - {name: a, key: k, limits: {rpm: 5}}\n"), HasSubstr("rpm"));
  EXPECT_THAT(load_error("teams:\n  - {name: t}\n  - {name: t}\n"), HasSubstr("twice"));
}

TEST(ConfigLoad, MinimalConfigUsesDefaults) {
  auto cfg = load_ok("models:\n  - name: m\n    provider: openai\n");
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->listen_host, "127.0.0.1");
  EXPECT_EQ(cfg->listen_port, 8080);
  EXPECT_EQ(cfg->threads, 0);
  EXPECT_EQ(cfg->access_log, "stdout");
  EXPECT_EQ(cfg->on_sensitive, "local_only");
  EXPECT_TRUE(cfg->audit.durable);
  EXPECT_EQ(cfg->limits.max_body_bytes, 16ull << 20);
  EXPECT_TRUE(cfg->keys.empty());
  EXPECT_TRUE(cfg->not_yet_active.empty());
}

TEST(ConfigLoad, CloudProvidersTakeTheirOwnKeys) {
  auto cfg = load_ok(
      "models:\n"
      "  - {name: claude, provider: anthropic, api_key: k, anthropic_version: 2023-06-01}\n"
      "  - {name: gem, provider: gemini, api_key: g}\n"
      "  - {name: nova, provider: bedrock, region: eu-west-1, access_key_id: AK, secret_access_key: SK}\n");
  ASSERT_NE(cfg, nullptr);
  ASSERT_EQ(cfg->models.size(), 3u);
  EXPECT_EQ(cfg->models[0].provider, ProviderKind::anthropic);
  EXPECT_EQ(cfg->models[0].base_url, "https://api.anthropic.com");
  EXPECT_EQ(cfg->models[0].api_version, "2023-06-01");
  EXPECT_EQ(cfg->models[1].base_url, "https://generativelanguage.googleapis.com");
  EXPECT_EQ(cfg->models[2].base_url, "https://bedrock-runtime.eu-west-1.amazonaws.com");
  EXPECT_EQ(cfg->models[2].access_key_id, "AK");
  EXPECT_TRUE(cfg->not_yet_active.empty());
}

TEST(ConfigLoad, BracketedIpv6Listen) {
  auto cfg = load_ok("listen: \"[::1]:8443\"\n");
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->listen_host, "::1");
  EXPECT_EQ(cfg->listen_port, 8443);
}

TEST(ConfigLoad, DecimalAndPlainSizes) {
  auto cfg = load_ok("limits:\n  max_body: 2MB\n  max_upstream_body: 65536\n  header_timeout: 1500ms\n");
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->limits.max_body_bytes, 2'000'000u);
  EXPECT_EQ(cfg->limits.max_upstream_body_bytes, 65'536u);
  EXPECT_EQ(cfg->limits.header_timeout, milliseconds(1'500));
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  EXPECT_EQ(load_error("listen: 127.0.0.1:8080\n"
                       "threads: 1\n"
                       "lisen: 0.0.0.0:80\n"),
            "test.yaml:3: unknown key 'lisen'");
}

TEST(ConfigErrors, UnknownNestedModelKey) {
  EXPECT_EQ(load_error("models:\n"                                // 1
                       "  - name: a\n"                            // 2
                       "    provider: openai\n"                   // 3
                       "    bse_url: https://example.com/v1\n"),  // 4
            "test.yaml:4: unknown key 'models[0].bse_url'");
}

TEST(ConfigErrors, TypoOfARequiredKeyIsNamedAsUnknown) {
  EXPECT_EQ(load_error("models:\n"                               // 1
                       "  - name: a\n"                           // 2
                       "    provider: openai_compat\n"           // 3
                       "    bse_url: http://10.0.0.5:8000/v1\n"),  // 4
            "test.yaml:4: unknown key 'models[0].bse_url' (did you mean 'base_url'?)");
}

TEST(ConfigErrors, UnknownKeyInSecondModel) {
  EXPECT_EQ(load_error("models:\n"                 // 1
                       "  - name: a\n"             // 2
                       "    provider: openai\n"    // 3
                       "  - name: b\n"             // 4
                       "    provider: openai\n"    // 5
                       "    slot: 3\n"),           // 6
            "test.yaml:6: unknown key 'models[1].slot'");
}

TEST(ConfigErrors, UnknownKeyInLimitsAndKeys) {
  EXPECT_EQ(load_error("limits:\n  max_bdy: 1MiB\n"), "test.yaml:2: unknown key 'limits.max_bdy'");
  EXPECT_EQ(load_error("keys:\n  - name: a\n    key: k\n    modles: ['*']\n"),
            "test.yaml:4: unknown key 'keys[0].modles'");
}

TEST(ConfigErrors, MissingRequiredKeys) {
  EXPECT_EQ(load_error("models:\n  - provider: openai\n"), "test.yaml:2: 'models[0].name' is required");
  EXPECT_EQ(load_error("models:\n  - name: a\n"), "test.yaml:2: 'models[0].provider' is required");
  EXPECT_EQ(load_error("models:\n  - name: a\n    provider: openai_compat\n"),
            "test.yaml:2: 'models[0].base_url' is required");
  EXPECT_EQ(load_error("models:\n  - name: a\n    provider: local\n"), "test.yaml:2: 'models[0].path' is required");
  EXPECT_EQ(load_error("keys:\n  - name: a\n"), "test.yaml:2: 'keys[0].key' is required");
}

TEST(ConfigErrors, EmptyRequiredValue) {
  EXPECT_EQ(load_error("models:\n  - name: \"\"\n    provider: openai\n"),
            "test.yaml:2: 'models[0].name' must not be empty");
}

TEST(ConfigErrors, BadProvider) {
  EXPECT_EQ(load_error("models:\n  - name: a\n    provider: openia\n"),
            "test.yaml:3: 'models[0].provider' must be one of local, openai_compat, openai, azure, anthropic, "
            "gemini, bedrock; got 'openia'");
}

TEST(ConfigErrors, BadUrl) {
  EXPECT_EQ(load_error("models:\n  - name: a\n    provider: openai_compat\n    base_url: ftp://host/v1\n"),
            "test.yaml:4: 'models[0].base_url' must be an http:// or https:// URL, got 'ftp://host/v1'");
  EXPECT_EQ(load_error("models:\n  - name: a\n    provider: azure\n    base_url: not a url\n"),
            "test.yaml:4: 'models[0].base_url' must be an http:// or https:// URL, got 'not a url'");
}

TEST(ConfigErrors, DuplicateModelNames) {
  EXPECT_EQ(load_error("models:\n"                // 1
                       "  - name: a\n"            // 2
                       "    provider: openai\n"   // 3
                       "  - name: a\n"            // 4
                       "    provider: openai\n"), // 5
            "test.yaml:4: model name 'a' is declared twice");
}

TEST(ConfigErrors, RouteNamesUndeclaredModel) {
  EXPECT_EQ(load_error("models:\n"                // 1
                       "  - name: a\n"            // 2
                       "    provider: openai\n"   // 3
                       "routes:\n"                // 4
                       "  - name: smart\n"        // 5
                       "    local: [a]\n"         // 6
                       "    cloud: [gpt-5]\n"),   // 7
            "test.yaml:5: route 'smart' names model 'gpt-5', which is not declared under 'models'");
}

TEST(ConfigErrors, RouteClashesWithModelName) {
  EXPECT_EQ(load_error("models:\n  - name: a\n    provider: openai\n"
                       "routes:\n  - name: a\n    cloud: [a]\n"),
            "test.yaml:5: route 'a' clashes with a model name");
}

TEST(ConfigErrors, DuplicateKeySecret) {
  EXPECT_EQ(load_error("keys:\n  - name: a\n    key: same\n  - name: b\n    key: same\n"),
            "test.yaml: key 'b' reuses another key's secret");
}

TEST(ConfigErrors, BadValues) {
  EXPECT_EQ(load_error("listen: localhost:99999\n"),
            "test.yaml:1: 'listen' has an invalid port in 'localhost:99999'");
  EXPECT_EQ(load_error("listen: localhost\n"), "test.yaml:1: 'listen' must be HOST:PORT, got 'localhost'");
  EXPECT_EQ(load_error("threads: 65\n"), "test.yaml:1: 'threads' must be between 0 and 64");
  EXPECT_EQ(load_error("drain_timeout: 0s\n"),
            "test.yaml:1: 'drain_timeout' must be a positive duration like 500ms, 30s, 5m; got '0s'");
  EXPECT_EQ(load_error("limits:\n  max_body: 16XB\n"),
            "test.yaml:2: 'limits.max_body' must be a size like 16MiB or 65536; got '16XB'");
  EXPECT_EQ(load_error("privacy:\n  on_sensitive: ignore\n"),
            "test.yaml:2: 'privacy.on_sensitive' must be local_only, redact or block");
  EXPECT_EQ(load_error("audit:\n  durable: maybe\n"),
            "test.yaml:2: 'audit.durable' must be true or false, got 'maybe'");
  EXPECT_EQ(load_error("models: {a: 1}\n"), "test.yaml:1: 'models' must be a list");
}

TEST(ConfigErrors, PortWithTrailingGarbage) {
  EXPECT_EQ(load_error("listen: localhost:80x\n"), "test.yaml:1: 'listen' has an invalid port in 'localhost:80x'");
  EXPECT_EQ(load_error("listen: \"localhost:\"\n"), "test.yaml:1: 'listen' has an invalid port in 'localhost:'");
}

TEST(ConfigErrors, SizeThatOverflowsIsRejected) {
  // 100000000000 GiB does not fit in 64 bits; it must not wrap around to some other size.
  EXPECT_EQ(load_error("limits:\n  max_body: 100000000000GiB\n"),
            "test.yaml:2: 'limits.max_body' must be a size like 16MiB or 65536; got '100000000000GiB'");
}

TEST(ConfigErrors, EmptyAndNonMappingDocuments) {
  EXPECT_EQ(load_error(""), "test.yaml: the config is empty");
  EXPECT_EQ(load_error("- a\n- b\n"), "test.yaml:1: the config must be a mapping");
}

TEST(ConfigErrors, YamlSyntaxErrorNamesLine) {
  auto message = load_error("listen: 127.0.0.1:8080\nmodels: [a, b\n");
  EXPECT_THAT(message, StartsWith("test.yaml:"));
  EXPECT_NE(message, "");
}

class ConfigEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SY_TEST_KEY", "sk-from-env", 1);
    ::setenv("SY_TEST_EMPTY", "", 1);
    ::unsetenv("SY_TEST_UNSET");
  }
  void TearDown() override {
    ::unsetenv("SY_TEST_KEY");
    ::unsetenv("SY_TEST_EMPTY");
  }
};

TEST_F(ConfigEnv, InterpolatesVariablesAndDefaults) {
  auto cfg = load_ok(
      "models:\n"
      "  - name: a\n"
      "    provider: openai_compat\n"
      "    base_url: ${SY_TEST_UNSET:-http://localhost:8000}/v1\n"
      "    api_key: ${SY_TEST_KEY}\n"
      "    model: ${SY_TEST_EMPTY:-fallback-model}\n"
      "keys:\n"
      "  - name: k\n"
      "    key: pre-${SY_TEST_KEY}-$$literal\n");
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->models[0].base_url, "http://localhost:8000/v1");
  EXPECT_EQ(cfg->models[0].api_key, "sk-from-env");
  EXPECT_EQ(cfg->models[0].upstream_model, "fallback-model");
  EXPECT_EQ(cfg->keys[0].key, "pre-sk-from-env-$literal");
}

TEST_F(ConfigEnv, UnsetVariableIsAnErrorNamingIt) {
  EXPECT_EQ(load_error("models:\n"
                       "  - name: a\n"
                       "    provider: openai\n"
                       "    api_key: ${SY_TEST_UNSET}\n"),
            "test.yaml:4: 'models[0].api_key' uses ${SY_TEST_UNSET}, which is not set in the environment "
            "(write ${SY_TEST_UNSET:-default} to allow that)");
}

TEST_F(ConfigEnv, EmptyRequiredValueAfterInterpolation) {
  EXPECT_EQ(load_error("models:\n  - name: ${SY_TEST_EMPTY}\n    provider: openai\n"),
            "test.yaml:2: 'models[0].name' must not be empty");
}

}  // namespace
}  // namespace sy::config

namespace sy::config {
namespace {

const std::string kTwoModels =
    "models:\n"
    "  - {name: mini, provider: local, path: /m/mini.gguf}\n"
    "  - {name: gpt, provider: openai, api_key: k}\n";

TEST(PrivacyModelConfig, DefaultsAndTheSecondOpinionsRange) {
  auto plain = load_ok(kTwoModels);
  ASSERT_NE(plain, nullptr);
  EXPECT_TRUE(plain->privacy_model.enabled);
  EXPECT_DOUBLE_EQ(plain->privacy_model.threshold, 0.8);
  EXPECT_FALSE(plain->privacy_classifier);

  auto cfg = load_ok(kTwoModels + "privacy:\n  model: {threshold: 0.7}\n  classifier: {model: mini, when: \"score in [0.35,0.9]\", timeout: 800ms}\n");
  ASSERT_NE(cfg, nullptr);
  EXPECT_DOUBLE_EQ(cfg->privacy_model.threshold, 0.7);
  ASSERT_TRUE(cfg->privacy_classifier);
  EXPECT_EQ(cfg->privacy_classifier->model, "mini");
  EXPECT_DOUBLE_EQ(cfg->privacy_classifier->low, 0.35);
  EXPECT_DOUBLE_EQ(cfg->privacy_classifier->high, 0.9);
  EXPECT_EQ(cfg->privacy_classifier->timeout, milliseconds(800));
}

TEST(PrivacyModelConfig, TheSecondOpinionNeverComesFromTheCloud) {
  EXPECT_THAT(load_error(kTwoModels + "privacy:\n  classifier: {model: gpt}\n"),
              HasSubstr("privacy.classifier: 'gpt' is a cloud target"));
  EXPECT_THAT(load_error(kTwoModels + "privacy:\n  classifier: {model: nope}\n"),
              HasSubstr("privacy.classifier names model 'nope', which 'models' does not declare"));
  EXPECT_THAT(load_error(kTwoModels + "privacy:\n  model: {enabled: false}\n  classifier: {model: mini}\n"),
              HasSubstr("needs privacy.model.enabled"));
  for (const char* when : {"score in [0.9, 0.4]", "score in [0.4, 1.5]", "score > 0.5", "score in [0.4, 0.8] or so", "score in [0.4, 0.8)"}) {
    EXPECT_THAT(load_error(kTwoModels + "privacy:\n  classifier: {model: mini, when: \"" + when + "\"}\n"),
                HasSubstr("'privacy.classifier.when' must read \"score in [a, b]\"")) << when;
  }
}

}  // namespace
}  // namespace sy::config
