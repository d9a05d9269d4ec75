// The pieces of store keys that need no store: secrets and their hashes, --expires, and the one
// table of which role reaches which admin path.
#include <gtest/gtest.h>

#include <set>

#include "ops/key_actions.h"
#include "ops/key_secret.h"
#include "pipeline/auth/admin_access.h"

namespace sy::ops {
namespace {

TEST(KeySecret, RandomSecretsWithTheirOwnSaltAndHash) {
  std::set<std::string> secrets, salts;
  for (int i = 0; i < 50; ++i) {
    auto k = make_key_secret();
    ASSERT_TRUE(k);
    ASSERT_TRUE(k->secret.starts_with("sk-sy-"));
    ASSERT_EQ(k->secret.size(), 49u);
    for (char c : k->secret.substr(6)) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << k->secret;
    EXPECT_EQ(k->prefix, k->secret.substr(0, 14));
    EXPECT_EQ(key_prefix(k->secret), k->prefix);
    auto salt = from_hex(k->salt_hex);
    ASSERT_EQ(salt.size(), 16u);
    auto hash = from_hex(k->hash_hex);
    ASSERT_EQ(hash.size(), 32u);
    KeyHash expected{};
    std::copy(hash.begin(), hash.end(), expected.begin());
    EXPECT_TRUE(same_hash(salted_hash(salt, k->secret), expected));
    EXPECT_FALSE(same_hash(salted_hash(salt, k->secret + "x"), expected));
    secrets.insert(k->secret);
    salts.insert(k->salt_hex);
  }
  EXPECT_EQ(secrets.size(), 50u);
  EXPECT_EQ(salts.size(), 50u);
}

TEST(KeySecret, PrefixOnlyForOurSecretsAndHexRoundTrips) {
  EXPECT_EQ(key_prefix("sk-alice-secret"), "");
  EXPECT_EQ(key_prefix("sk-sy-short"), "");
  EXPECT_EQ(key_prefix("sk-sy-ABCDEFGH-and-more"), "sk-sy-ABCDEFGH");
  const std::vector<unsigned char> bytes = {0x00, 0x7f, 0x80, 0xff, 0x12};
  EXPECT_EQ(to_hex(bytes), "007f80ff12");
  EXPECT_EQ(from_hex("007F80ff12"), bytes);
  EXPECT_TRUE(from_hex("abc").empty());
  EXPECT_TRUE(from_hex("zz").empty());
}

TEST(KeyExpiry, SpansAndDates) {
  const int64_t now = 1'780'000'000'000;
  EXPECT_EQ(*parse_expiry("30d", now), now + 30 * 86'400'000LL);
  EXPECT_EQ(*parse_expiry("12h", now), now + 12 * 3'600'000LL);
  EXPECT_EQ(*parse_expiry("2w", now), now + 14 * 86'400'000LL);
  EXPECT_EQ(*parse_expiry("2027-01-01", now), 1'798'761'600'000);
  EXPECT_EQ(parse_expiry("2020-01-01", now).error().status, 400);  // the past
  EXPECT_EQ(parse_expiry("soon", now).error().status, 400);
  EXPECT_EQ(parse_expiry("0d", now).error().status, 400);
}

}  // namespace
}  // namespace sy::ops

namespace sy::pipeline {
namespace {

using core::Role;
using V = http::bhttp::verb;

TEST(AdminAccess, TheOneTableByRoleMethodAndPath) {
  // Reads of the admin API (the dashboard, /admin/drift): viewer and above, never a plain user.
  for (auto role : {Role::viewer, Role::auditor, Role::operator_, Role::admin}) {
    EXPECT_TRUE(admin_allows(role, V::get, "/admin/models")) << core::to_string(role);
    EXPECT_TRUE(admin_allows(role, V::get, "/admin/models/chat")) << core::to_string(role);
    EXPECT_TRUE(admin_allows(role, V::get, "/admin/drift")) << core::to_string(role);
  }
  EXPECT_FALSE(admin_allows(Role::user, V::get, "/admin/models"));
  // Registry actions: operator and admin.
  EXPECT_TRUE(admin_allows(Role::operator_, V::post, "/admin/models/chat/promote"));
  EXPECT_TRUE(admin_allows(Role::admin, V::post, "/admin/models/chat/promote"));
  EXPECT_FALSE(admin_allows(Role::viewer, V::post, "/admin/models/chat/promote"));
  EXPECT_FALSE(admin_allows(Role::auditor, V::post, "/admin/models"));
  // The audit trail and usage: auditor and admin, whatever the method.
  for (auto path : {"/admin/usage", "/admin/audit", "/admin/audit/export", "/admin/audit-verify"}) {
    EXPECT_TRUE(admin_allows(Role::auditor, V::get, path)) << path;
    EXPECT_TRUE(admin_allows(Role::auditor, V::post, path)) << path;
    EXPECT_TRUE(admin_allows(Role::admin, V::get, path)) << path;
    EXPECT_FALSE(admin_allows(Role::viewer, V::get, path)) << path;
    EXPECT_FALSE(admin_allows(Role::operator_, V::get, path)) << path;
  }
  // /admin/usage is one path (and its sub-paths), not a prefix of others: /admin/usages is a plain read.
  EXPECT_TRUE(admin_allows(Role::viewer, V::get, "/admin/usages"));
  EXPECT_TRUE(admin_allows(Role::viewer, V::get, "/admin/usage-report"));
  // Anything else: the admin's alone.
  for (auto role : {Role::user, Role::viewer, Role::auditor, Role::operator_}) {
    EXPECT_FALSE(admin_allows(role, V::post, "/admin/keys")) << core::to_string(role);
    EXPECT_FALSE(admin_allows(role, V::delete_, "/admin/models/chat")) << core::to_string(role);
    EXPECT_FALSE(admin_allows(role, V::post, "/admin/modelsx")) << core::to_string(role);
  }
  EXPECT_TRUE(admin_allows(Role::admin, V::post, "/admin/keys"));
  EXPECT_STREQ(admin_roles_for(V::post, "/admin/models/chat/retire"), "operator or admin");
}

TEST(Roles, NamesAndInference) {
  for (auto role : {Role::user, Role::viewer, Role::auditor, Role::operator_, Role::admin}) {
    EXPECT_EQ(core::parse_role(core::to_string(role)), role);
  }
  EXPECT_EQ(core::to_string(Role::operator_), std::string("operator"));
  EXPECT_FALSE(core::parse_role("root"));
  EXPECT_TRUE(core::may_infer(Role::user));
  EXPECT_TRUE(core::may_infer(Role::operator_));
  EXPECT_TRUE(core::may_infer(Role::admin));
  EXPECT_FALSE(core::may_infer(Role::viewer));
  EXPECT_FALSE(core::may_infer(Role::auditor));
}

}  // namespace
}  // namespace sy::pipeline
