#include "pipeline/auth/auth_stage.h"

#include <gtest/gtest.h>

#include "core/principal.h"
#include "support/run_sync.h"

namespace sy::pipeline {
namespace {

std::vector<config::ApiKey> two_keys() {
  config::ApiKey alice;
  alice.name = "alice";
  alice.key = "sk-alice-secret";
  alice.team = "research";
  alice.models = {"gpt-*", "local-llama"};
  config::ApiKey bob;
  bob.name = "bob";
  bob.key = "sk-bob-secret";
  return {alice, bob};
}

class AuthStageTest : public ::testing::Test {
 protected:
  core::Result<Verdict> run(AuthStage& stage) {
    state.http = &request;
    auto filter = stage.start(state);
    return sy::testing::run_sync(filter->on_request(state));
  }

  http::Request request{http::bhttp::verb::post, "/v1/chat/completions", 11};
  RequestState state;
};

TEST_F(AuthStageTest, OpenWhenNoKeysAreConfigured) {
  AuthStage stage({});
  EXPECT_TRUE(stage.open());
  EXPECT_EQ(stage.name(), "auth");
  auto r = run(stage);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Verdict::next);
  EXPECT_EQ(state.principal.key_name, "anonymous");
  EXPECT_TRUE(state.principal.may_use("anything"));
}

TEST_F(AuthStageTest, BearerKeyIsAccepted) {
  AuthStage stage(two_keys());
  EXPECT_FALSE(stage.open());
  request.set(http::bhttp::field::authorization, "Bearer sk-alice-secret");
  auto r = run(stage);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, Verdict::next);
  EXPECT_EQ(state.principal.key_name, "alice");
  EXPECT_EQ(state.principal.team, "research");
  EXPECT_EQ(state.principal.models, (std::vector<std::string>{"gpt-*", "local-llama"}));
}

TEST_F(AuthStageTest, XApiKeyHeaderIsAccepted) {
  AuthStage stage(two_keys());
  request.set("x-api-key", "sk-bob-secret");
  auto r = run(stage);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(state.principal.key_name, "bob");
  EXPECT_EQ(state.principal.models, (std::vector<std::string>{"*"}));
}

TEST_F(AuthStageTest, AzureApiKeyHeaderIsAccepted) {
  AuthStage stage(two_keys());
  request.set("api-key", "sk-alice-secret");
  auto r = run(stage);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(state.principal.key_name, "alice");
}

TEST_F(AuthStageTest, WrongKeyIs401) {
  AuthStage stage(two_keys());
  request.set(http::bhttp::field::authorization, "Bearer sk-alice-secreT");
  auto r = run(stage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 401);
  EXPECT_EQ(r.error().type, "authentication_error");
  EXPECT_EQ(r.error().code, "invalid_api_key");
  EXPECT_EQ(r.error().message, "Incorrect API key provided.");
  EXPECT_EQ(state.principal.key_name, "anonymous");
}

TEST_F(AuthStageTest, MissingKeyIs401) {
  AuthStage stage(two_keys());
  auto r = run(stage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 401);
  EXPECT_EQ(r.error().type, "authentication_error");
  EXPECT_EQ(r.error().message, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
}

TEST_F(AuthStageTest, NonBearerAuthorizationIsNotAKey) {
  AuthStage stage(two_keys());
  request.set(http::bhttp::field::authorization, "Basic sk-alice-secret");
  auto r = run(stage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 401);
}

TEST_F(AuthStageTest, TheKeyNameGoesOnTheRecordNeverTheKey) {
  AuthStage stage(two_keys());
  request.set(http::bhttp::field::authorization, "Bearer sk-alice-secret");
  ASSERT_TRUE(run(stage).ok());
  EXPECT_EQ(state.record.key_name, "alice");
  EXPECT_EQ(state.record.team, "research");
}

TEST(AdminAuthStage, OnlyTheAdminKeyAndOffWithoutOne) {
  http::Request request{http::bhttp::verb::get, "/admin/models", 11};
  EXPECT_EQ(AdminAuthStage("").verify(request).error().status, 403);
  AdminAuthStage stage("admin-secret");
  EXPECT_EQ(stage.verify(request).error().status, 401);
  request.set(http::bhttp::field::authorization, "Bearer sk-alice-secret");
  EXPECT_EQ(stage.verify(request).error().status, 401);
  request.set(http::bhttp::field::authorization, "Bearer admin-secret");
  EXPECT_TRUE(stage.verify(request).ok());
}

std::shared_ptr<const KeyRing> role_keys() {
  std::vector<config::ApiKey> keys;
  for (auto role : {core::Role::user, core::Role::viewer, core::Role::auditor, core::Role::operator_, core::Role::admin}) {
    config::ApiKey k;
    k.name = std::string(core::to_string(role)) + "-key";
    k.key = "sk-" + k.name;
    k.role = role;
    keys.push_back(k);
  }
  return std::make_shared<const KeyRing>(keys, "admin-secret");
}

TEST(AuthStageRoles, OnlyUserOperatorAndAdminKeysCallModels) {
  AuthStage inference(role_keys(), AuthStage::Access::inference);
  AuthStage any(role_keys(), AuthStage::Access::any);
  http::Request request{http::bhttp::verb::post, "/v1/chat/completions", 11};
  for (const char* name : {"user", "operator", "admin"}) {
    request.set(http::bhttp::field::authorization, std::string("Bearer sk-") + name + "-key");
    auto who = inference.authenticate(request);
    ASSERT_TRUE(who) << name << ": " << who.error().message;
    EXPECT_EQ(who->key_name, std::string(name) + "-key");
  }
  for (const char* name : {"viewer", "auditor"}) {
    request.set(http::bhttp::field::authorization, std::string("Bearer sk-") + name + "-key");
    auto refused = inference.authenticate(request);
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().status, 403);
    EXPECT_EQ(refused.error().type, "permission_error");
    EXPECT_NE(refused.error().message.find(std::string("role '") + name + "', which may not call models"), std::string::npos)
        << refused.error().message;
    EXPECT_TRUE(any.authenticate(request)) << name;  // listing models is fine
  }
}

TEST(AdminAuthStageRoles, EachRoleReachesItsPartOfTheAdminApi) {
  AdminAuthStage stage(role_keys());
  auto status = [&](http::bhttp::verb method, const char* path, const std::string& key) {
    http::Request request{method, path, 11};
    request.set(http::bhttp::field::authorization, "Bearer " + key);
    auto who = stage.authorize(request);
    return who ? 200 : who.error().status;
  };
  using V = http::bhttp::verb;
  EXPECT_EQ(status(V::get, "/admin/models", "sk-viewer-key"), 200);
  EXPECT_EQ(status(V::post, "/admin/models/chat/promote", "sk-viewer-key"), 403);
  EXPECT_EQ(status(V::post, "/admin/models/chat/promote", "sk-operator-key"), 200);
  EXPECT_EQ(status(V::get, "/admin/usage?by=team", "sk-auditor-key"), 200);
  EXPECT_EQ(status(V::get, "/admin/usage", "sk-viewer-key"), 403);
  EXPECT_EQ(status(V::get, "/admin/models", "sk-user-key"), 403);
  EXPECT_EQ(status(V::post, "/admin/anything", "sk-operator-key"), 403);
  EXPECT_EQ(status(V::post, "/admin/anything", "sk-admin-key"), 200);
  EXPECT_EQ(status(V::post, "/admin/anything", "admin-secret"), 200);  // admin_key: role admin
  EXPECT_EQ(status(V::get, "/admin/models", "sk-nobody"), 401);
  http::Request request{V::post, "/admin/models/chat/retire", 11};
  request.set(http::bhttp::field::authorization, "Bearer sk-viewer-key");
  EXPECT_EQ(stage.authorize(request).error().message,
            "API key 'viewer-key' has role 'viewer'; POST /admin/models/chat/retire takes the role operator or admin.");
}

TEST(AdminAuthStageRoles, OffWhileNoKeyCouldReachIt) {
  std::vector<config::ApiKey> users(1);
  users[0].name = "u";
  users[0].key = "sk-u";
  AdminAuthStage stage(std::make_shared<const KeyRing>(users));
  http::Request request{http::bhttp::verb::get, "/admin/models", 11};
  request.set(http::bhttp::field::authorization, "Bearer sk-u");
  EXPECT_EQ(stage.verify(request).error().status, 403);
  EXPECT_NE(stage.verify(request).error().message.find("The admin API is off"), std::string::npos);
}

TEST(AuthStagePresentedKey, HeaderForms) {
  http::Request req{http::bhttp::verb::post, "/", 11};
  EXPECT_EQ(AuthStage::presented_key(req), "");
  req.set(http::bhttp::field::authorization, "Bearer   spaced-key");
  EXPECT_EQ(AuthStage::presented_key(req), "spaced-key");
  req.set(http::bhttp::field::authorization, "bearer lower");
  EXPECT_EQ(AuthStage::presented_key(req), "lower");
  req.set(http::bhttp::field::authorization, "Bearer ");
  req.set("x-api-key", "from-x-api-key");
  EXPECT_EQ(AuthStage::presented_key(req), "from-x-api-key");
  req.erase("x-api-key");
  req.set("api-key", "from-api-key");
  EXPECT_EQ(AuthStage::presented_key(req), "from-api-key");
}

TEST(PrincipalMayUse, StarAllowsEverything) {
  core::Principal p;
  EXPECT_TRUE(p.may_use("gpt-4o"));
  EXPECT_TRUE(p.may_use(""));
}

TEST(PrincipalMayUse, ExactNames) {
  core::Principal p{"k", "", {"gpt-4o", "local-llama"}};
  EXPECT_TRUE(p.may_use("gpt-4o"));
  EXPECT_TRUE(p.may_use("local-llama"));
  EXPECT_FALSE(p.may_use("gpt-4o-mini"));
  EXPECT_FALSE(p.may_use("gpt-4"));
  EXPECT_FALSE(p.may_use(""));
}

TEST(PrincipalMayUse, PrefixGlobs) {
  core::Principal p{"k", "", {"gpt-*"}};
  EXPECT_TRUE(p.may_use("gpt-4o"));
  EXPECT_TRUE(p.may_use("gpt-"));
  EXPECT_FALSE(p.may_use("gpt"));
  EXPECT_FALSE(p.may_use("claude-3"));
  EXPECT_FALSE(p.may_use("xgpt-4o"));
}

TEST(PrincipalMayUse, StarOnlyAtTheEndIsAGlob) {
  core::Principal p{"k", "", {"*-mini"}};
  EXPECT_FALSE(p.may_use("gpt-4o-mini"));
  EXPECT_TRUE(p.may_use("*-mini"));
}

TEST(PrincipalNames, OnlyExactNamesOrEverything) {
  core::Principal p{"k", "", {"a-*", "b-route"}};
  EXPECT_TRUE(p.names("b-route"));
  EXPECT_FALSE(p.names("a-route"));  // a glob is no grant of a route's targets
  EXPECT_TRUE(core::Principal{}.names("anything"));
}

TEST(PrincipalMayUse, NoPatternsAllowsNothing) {
  core::Principal p{"k", "", {}};
  EXPECT_FALSE(p.may_use("gpt-4o"));
}

}  // namespace
}  // namespace sy::pipeline
