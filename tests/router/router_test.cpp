#include "router/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "privacy/scanner.h"
#include "providers/provider.h"

namespace sy::router {
namespace {

using ::testing::ElementsAre;

class StubProvider final : public providers::Provider {
 public:
  http::awaitable<core::Result<core::ChatResponse>> complete(const core::ChatRequest&, providers::CallContext&) override {
    co_return core::Error::internal("not called in these tests");
  }
  http::awaitable<core::Status> stream(const core::ChatRequest&, providers::CallContext&, providers::ChunkSink&) override {
    co_return core::Error::internal("not called in these tests");
  }
  providers::Health health() const override { return {healthy, healthy ? "" : "down"}; }
  bool healthy = true;
};

const char* kBase =
    "models:\n"
    "  - {name: local-a, provider: local, path: /x.gguf}\n"
    "  - {name: cloud-a, provider: openai, api_key: k}\n"
    "  - {name: cloud-b, provider: openai, api_key: k}\n"
    "routes:\n"
    "  - name: auto\n"
    "    local: [local-a]\n"
    "    cloud: [cloud-a, cloud-b]\n";

struct Fixture {
  explicit Fixture(const std::string& yaml) {
    auto loaded = config::load_string(yaml, "test.yaml");
    if (!loaded) ADD_FAILURE() << loaded.error().message;
    config = *loaded;
    Router::Targets t;
    t.providers = {{"local-a", &local}, {"cloud-a", &cloud_a}, {"cloud-b", &cloud_b}};
    t.faq_provider = &faq_provider;
    t.local_load = [this](const std::string&) { return load; };
    auto scanner = privacy::Scanner::create({});
    if (!scanner) ADD_FAILURE() << scanner.error().message;
    auto faq = FaqMatcher::from_entries({{"leave", "How many days of annual leave do I get?", "Fifteen days a year."}});
    router = std::make_unique<Router>(*config, std::move(t), *scanner, faq);
  }
  RouteDecision decide(const std::string& text, const std::string& model = "auto", core::Principal who = {}) {
    core::ChatRequest r;
    r.model = model;
    core::Message m;
    m.role = "user";
    core::ContentPart p;
    p.text = text;
    m.parts.push_back(p);
    r.messages.push_back(m);
    auto d = router->decide(r, who);
    if (!d) ADD_FAILURE() << d.error().message;
    return d ? *d : RouteDecision{};
  }
  static std::vector<std::string> names(const RouteDecision& d) {
    std::vector<std::string> out;
    for (const auto& c : d.candidates) out.push_back(c.model->name);
    return out;
  }

  std::shared_ptr<const config::Config> config;
  StubProvider local, cloud_a, cloud_b, faq_provider;
  std::optional<LocalLoad> load = LocalLoad{0, 4, 2048};
  std::unique_ptr<Router> router;
};

TEST(RouterDefaultPolicy, SensitiveGoesLocalOnly) {
  Fixture f(kBase);
  auto d = f.decide("Please email the contract to jane.doe@example.com today.");
  EXPECT_EQ(d.privacy, PrivacyClass::local_only);
  EXPECT_EQ(d.rule, "default:sensitive");
  EXPECT_THAT(Fixture::names(d), ElementsAre("local-a"));
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].kind, "email");
  EXPECT_EQ(d.findings[0].start, 29u);
  EXPECT_EQ(d.findings[0].end, 49u);
  EXPECT_FALSE(d.refusal);
}

TEST(RouterDefaultPolicy, SensitiveWithNoHealthyLocalTargetIsRefusedNotSentToCloud) {
  Fixture f(kBase);
  f.local.healthy = false;
  auto d = f.decide("My card is 4111 1111 1111 1111, can you check it?");
  ASSERT_TRUE(d.refusal);
  EXPECT_EQ(d.refusal->status, 403);
  EXPECT_EQ(d.refusal->type, "privacy_policy");
  EXPECT_TRUE(d.candidates.empty());
  EXPECT_EQ(d.refusal->message.find("4111"), std::string::npos);  // never the value
}

TEST(RouterDefaultPolicy, ShortGoesLocalFirstLongGoesCloudFirst) {
  Fixture f(kBase);
  auto short_d = f.decide("What is a good name for a cat?");
  EXPECT_EQ(short_d.rule, "default:short");
  EXPECT_EQ(short_d.privacy, PrivacyClass::any);
  EXPECT_THAT(Fixture::names(short_d), ElementsAre("local-a", "cloud-a", "cloud-b"));
  auto long_d = f.decide(std::string(400, 'x') + " summarise the above");
  EXPECT_EQ(long_d.rule, "default:long");
  EXPECT_THAT(Fixture::names(long_d), ElementsAre("cloud-a", "cloud-b", "local-a"));
}

TEST(RouterDefaultPolicy, AnFaqMatchGoesLocalEvenWhenLong) {
  Fixture f(kBase);
  auto d = f.decide("How many days of annual leave do I get? " + std::string(300, ' ') + "thanks");
  EXPECT_EQ(d.rule, "default:faq");
  EXPECT_EQ(d.faq_id, "leave");
  EXPECT_EQ(Fixture::names(d).front(), "local-a");
}

TEST(RouterDefaultPolicy, UnhealthyAndTrippedTargetsAreSkipped) {
  Fixture f(kBase);
  f.cloud_a.healthy = false;
  for (int i = 0; i < 5; ++i) f.router->record("local-a", false);
  auto d = f.decide("hello");
  EXPECT_THAT(Fixture::names(d), ElementsAre("cloud-b"));
}

TEST(RouterPrivacy, ADirectCloudModelNeverTakesSensitiveData) {
  Fixture f(kBase);
  auto d = f.decide("SSN 123-45-6789 please", "cloud-a");
  ASSERT_TRUE(d.refusal);
  EXPECT_EQ(d.refusal->type, "privacy_policy");
  EXPECT_EQ(f.decide("no secrets here", "cloud-a").candidates.size(), 1u);
}

TEST(RouterPrivacy, RedactModeAllowsCloudTargets) {
  Fixture f(std::string(kBase) + "privacy: {on_sensitive: redact}\n");
  auto d = f.decide("Email jane.doe@example.com " + std::string(400, 'y'));
  EXPECT_EQ(d.privacy, PrivacyClass::redact);
  EXPECT_EQ(Fixture::names(d).front(), "local-a");  // the default policy still prefers local
  EXPECT_EQ(Fixture::names(d).size(), 3u);
}

TEST(RouterPrivacy, BlockModeRefuses) {
  Fixture f(std::string(kBase) + "privacy: {on_sensitive: block}\n");
  auto d = f.decide("Email jane.doe@example.com");
  ASSERT_TRUE(d.refusal);
  EXPECT_EQ(d.refusal->status, 403);
}

TEST(RouterRules, FirstMatchWinsAndConditionsCombine) {
  Fixture f(std::string(kBase) +
            "    rules:\n"
            "      - {name: cards, when: {kinds: [credit_card]}, to: [local-a]}\n"
            "      - {name: web-team, when: {teams: [web], chars: \"< 50\"}, to: cloud}\n"
            "      - {name: busy, when: {free_slots: \"< 1\"}, to: [cloud-b]}\n"
            "      - {name: rest, to: local}\n");
  EXPECT_EQ(f.decide("card 4111-1111-1111-1111").rule, "cards");
  core::Principal web{"k1", "web", {"*"}};
  auto d = f.decide("short one", "auto", web);
  EXPECT_EQ(d.rule, "web-team");
  EXPECT_THAT(Fixture::names(d), ElementsAre("cloud-a", "cloud-b", "local-a"));
  EXPECT_EQ(f.decide("short one").rule, "rest");
  f.load = LocalLoad{3, 0, 2048};
  EXPECT_THAT(Fixture::names(f.decide("short one")), ElementsAre("cloud-b"));
}

TEST(RouterRules, ASensitiveRequestNeverLeavesEvenWhenARuleSaysCloud) {
  Fixture f(std::string(kBase) + "    rules:\n      - {to: [cloud-a, local-a]}\n");
  auto d = f.decide("my IBAN is DE89 3704 0044 0532 0130 00");
  EXPECT_EQ(d.privacy, PrivacyClass::local_only);
  EXPECT_THAT(Fixture::names(d), ElementsAre("local-a"));
}

TEST(RouterRules, FaqAnswersOnlyAboveTheThreshold) {
  Fixture f(std::string(kBase) + "    rules:\n      - {name: faq, to: faq}\n      - {name: rest, to: local}\n");
  auto hit = f.decide("How many days of annual leave do I get?");
  EXPECT_EQ(hit.rule, "faq");
  EXPECT_THAT(Fixture::names(hit), ElementsAre("faq"));
  EXPECT_EQ(f.decide("annual what?").rule, "rest");
}

TEST(RouterRules, SplitFollowsTheWeights) {
  Fixture f(std::string(kBase) + "    rules:\n      - {to: {split: {cloud-a: 80, cloud-b: 20}}}\n");
  int a = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) a += Fixture::names(f.decide("hi")).front() == "cloud-a";
  EXPECT_NEAR(a / double(n), 0.8, 0.03);
  EXPECT_THAT(Fixture::names(f.decide("hi")), ::testing::UnorderedElementsAre("cloud-a", "cloud-b"));
}

TEST(RouterRules, UnknownModelAndForbiddenKeyAreErrors) {
  Fixture f(kBase);
  core::ChatRequest r;
  r.model = "nope";
  EXPECT_EQ(f.router->decide(r, {}).error().status, 404);
  r.model = "auto";
  core::Principal limited{"k", "", {"local-*"}};
  EXPECT_EQ(f.router->decide(r, limited).error().status, 403);
}

}  // namespace
}  // namespace sy::router
