#include "router/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "privacy/scanner.h"
#include <map>

namespace sy::router {
namespace {

using ::testing::ElementsAre;

// What the route stage answers for real (resolved versions, health, circuits), scripted.
class StubTargets final : public TargetCheck {
 public:
  std::string unavailable(const config::ModelConfig& m) override { return down.count(m.name) ? down.at(m.name) : ""; }
  std::optional<LocalLoad> local_load(const std::string&) override { return load; }
  std::map<std::string, std::string> down;  // name -> why
  std::optional<LocalLoad> load = LocalLoad{0, 4, 2048};
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
    auto made = privacy::Scanner::create({});
    if (!made) ADD_FAILURE() << made.error().message;
    scanner = *made;
    auto faq = FaqMatcher::from_entries({{"leave", "How many days of annual leave do I get?", "Fifteen days a year."}});
    router = std::make_unique<Router>(*config, faq);
  }
  // What the privacy stage would find in `text` under the config's policy.
  PrivacyFacts facts_of(const std::string& text) const {
    PrivacyFacts f;
    auto scan = scanner->scan(text);
    f.sensitive = scan.sensitive;
    for (const auto& finding : scan.findings) f.kinds.emplace_back(privacy::to_string(finding.kind));
    if (f.sensitive) f.privacy = config->on_sensitive == "redact" ? PrivacyClass::redact : PrivacyClass::local_only;
    return f;
  }
  static core::ChatRequest request(const std::string& text, const std::string& model) {
    core::ChatRequest r;
    r.model = model;
    core::Message m;
    m.role = "user";
    core::ContentPart p;
    p.text = text;
    m.parts.push_back(p);
    r.messages.push_back(m);
    return r;
  }
  core::Result<RouteDecision> try_decide(const std::string& text, const std::string& model = "auto", core::Principal who = {}) {
    return router->decide(request(text, model), text, facts_of(text), who, targets);
  }
  RouteDecision decide(const std::string& text, const std::string& model = "auto", core::Principal who = {}) {
    auto d = try_decide(text, model, who);
    if (!d) ADD_FAILURE() << d.error().message;
    return d ? *d : RouteDecision{};
  }
  static std::vector<std::string> names(const RouteDecision& d) {
    std::vector<std::string> out;
    for (const auto* c : d.candidates) out.push_back(c->name);
    return out;
  }

  std::shared_ptr<const config::Config> config;
  std::shared_ptr<const privacy::Scanner> scanner;
  StubTargets targets;
  std::unique_ptr<Router> router;
};

TEST(RouterDefaultPolicy, SensitiveGoesLocalOnly) {
  Fixture f(kBase);
  auto d = f.decide("Please email the contract to jane.doe@example.com today.");
  EXPECT_EQ(d.rule, "default:sensitive");
  EXPECT_THAT(Fixture::names(d), ElementsAre("local-a"));
  EXPECT_FALSE(d.refusal);
}

TEST(RouterDefaultPolicy, SensitiveWithNoHealthyLocalTargetIsRefusedNotSentToCloud) {
  Fixture f(kBase);
  f.targets.down["local-a"] = "not loaded";
  auto d = f.decide("My card is 4111 1111 1111 1111, can you check it?");
  ASSERT_TRUE(d.refusal);
  EXPECT_EQ(d.refusal->status, 403);
  EXPECT_EQ(d.refusal->type, "privacy_policy");
  EXPECT_TRUE(d.candidates.empty());
  EXPECT_EQ(d.refusal->message.find("4111"), std::string::npos);  // never the value
}

// A sensitive request whose needs only a cloud target meets: the policy's 403 saying why, not the
// local engine's "local models do not call tools".
TEST(RouterDefaultPolicy, SensitiveWithToolsNoLocalModelSupportsIsAPolicyRefusalSayingWhy) {
  Fixture f(kBase);
  const std::string text = "Please email the contract to jane.doe@example.com today.";
  auto r = Fixture::request(text, "auto");
  r.extensions["tools"] = boost::json::array{boost::json::object{{"type", "function"}}};
  auto d = f.router->decide(r, text, f.facts_of(text), {}, f.targets);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->refusal);
  EXPECT_EQ(d->refusal->status, 403);
  EXPECT_EQ(d->refusal->type, "privacy_policy");
  EXPECT_THAT(d->refusal->message, ::testing::HasSubstr("must stay in-house, but it uses tools"));
  EXPECT_TRUE(d->candidates.empty());
  // The same request without anything sensitive still goes to the cloud first.
  const std::string plain = "Please send the contract today.";
  auto r2 = Fixture::request(plain, "auto");
  r2.extensions["tools"] = r.extensions["tools"];
  auto d2 = f.router->decide(r2, plain, f.facts_of(plain), {}, f.targets);
  ASSERT_TRUE(d2);
  EXPECT_FALSE(d2->refusal);
  EXPECT_THAT(Fixture::names(*d2), ElementsAre("cloud-a", "cloud-b", "local-a"));
}

TEST(RouterDefaultPolicy, SkippedTargetsAreKeptWithTheirReason) {
  Fixture f(kBase);
  f.targets.down["cloud-a"] = "unconfigured: no API key";
  auto d = f.decide(std::string(400, 'x') + " summarise the above");
  ASSERT_EQ(d.skipped.size(), 1u);
  EXPECT_EQ(d.skipped[0].first, "cloud-a");
  EXPECT_EQ(d.skipped[0].second, "unconfigured: no API key");
}

TEST(RouterDefaultPolicy, ShortGoesLocalFirstLongGoesCloudFirst) {
  Fixture f(kBase);
  auto short_d = f.decide("What is a good name for a cat?");
  EXPECT_EQ(short_d.rule, "default:short");
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

TEST(RouterDefaultPolicy, UnavailableTargetsAreSkippedWithTheirReason) {
  Fixture f(kBase);
  f.targets.down["cloud-a"] = "unhealthy";
  f.targets.down["local-a"] = "circuit open";
  auto d = f.decide("hello");
  EXPECT_THAT(Fixture::names(d), ElementsAre("cloud-b"));
  EXPECT_THAT(d.reasons, ::testing::Contains("skipped: local-a (circuit open), cloud-a (unhealthy)"));
  f.targets.down["cloud-b"] = "unhealthy";
  auto none = f.decide("hello");
  ASSERT_TRUE(none.refusal);
  EXPECT_EQ(none.refusal->status, 503);
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
  EXPECT_EQ(Fixture::names(d).front(), "local-a");  // the default policy still prefers local
  EXPECT_EQ(Fixture::names(d).size(), 3u);
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
  f.targets.load = LocalLoad{3, 0, 2048};
  EXPECT_THAT(Fixture::names(f.decide("short one")), ElementsAre("cloud-b"));
}

TEST(RouterRules, ASensitiveRequestNeverLeavesEvenWhenARuleSaysCloud) {
  Fixture f(std::string(kBase) + "    rules:\n      - {to: [cloud-a, local-a]}\n");
  auto d = f.decide("my IBAN is DE89 3704 0044 0532 0130 00");
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
  EXPECT_EQ(f.try_decide("hi", "nope").error().status, 404);
  core::Principal limited{"k", "", {"local-*"}};
  EXPECT_EQ(f.try_decide("hi", "auto", limited).error().status, 403);
}

TEST(RouterKeys, AGlobMatchingARoutesNameDoesNotOpenItsTargets) {
  Fixture f(std::string(kBase) + "  - {name: local-route, local: [local-a], cloud: [cloud-a]}\n");
  // "local-*" matches the route's name by accident: only the targets the glob itself allows answer.
  core::Principal globbed{"k", "", {"local-*"}};
  EXPECT_THAT(Fixture::names(f.decide("hi", "local-route", globbed)), ElementsAre("local-a"));
  auto cloud_only = f.decide(std::string(400, 'x'), "local-route", globbed);
  EXPECT_THAT(Fixture::names(cloud_only), ElementsAre("local-a"));
  EXPECT_THAT(cloud_only.reasons, ::testing::Contains("not allowed for this key: cloud-a"));
  // Naming the route itself grants it, with everything behind it.
  core::Principal named{"k", "", {"local-route"}};
  EXPECT_THAT(Fixture::names(f.decide(std::string(400, 'x'), "local-route", named)), ElementsAre("cloud-a", "local-a"));
  // A key whose globs allow none of the route's targets is refused, naming the key.
  core::Principal other{"k", "", {"local-route-*", "zzz"}};
  Fixture g(std::string(kBase) + "  - {name: local-route-x, cloud: [cloud-a]}\n");
  auto refused = g.decide("hi", "local-route-x", other);
  ASSERT_TRUE(refused.refusal);
  EXPECT_EQ(refused.refusal->status, 403);
}

}  // namespace
}  // namespace sy::router
