// API keys in the store, on both backends: made with a salted hash (never the secret), found by
// the key ring a server keeps, refused once revoked, rotated or expired, and each change in the
// audit chain with its author.
#include <thread>

#include <boost/json.hpp>

#include "ops/budgets.h"
#include "ops/key_actions.h"
#include "ops/key_secret.h"
#include "pipeline/auth/key_ring.h"
#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string secret_of(const json::object& o) { return std::string(o.at("key").as_string()); }

TEST_P(StoreTest, AKeyIsStoredAsASaltedHashAndListedWithoutItsSecret) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ops::NewKey k;
  k.name = "alice";
  k.team = "research";
  k.models = {"faq-*", "auto"};
  k.requests_per_minute = 30;
  k.author = "ops-lead";
  auto made = ops::create_key(*store, k);
  ASSERT_TRUE(made) << made.error().message;
  auto secret = secret_of(*made);
  EXPECT_TRUE(secret.starts_with("sk-sy-"));
  EXPECT_EQ(secret.size(), 6u + 43u);  // 32 bytes in unpadded base64url

  auto keys = store->list_keys();
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 1u);
  const auto& row = keys->front();
  EXPECT_EQ(row.prefix, secret.substr(0, ops::kKeyPrefixChars));
  EXPECT_EQ(row.models, (std::vector<std::string>{"faq-*", "auto"}));
  EXPECT_EQ(row.requests_per_minute, 30);
  EXPECT_EQ(row.created_by, "ops-lead");
  // The hash is SHA-256 over this key's own salt and the secret; the secret is in no column.
  auto salt = ops::from_hex(row.salt);
  ASSERT_EQ(salt.size(), 16u);
  EXPECT_EQ(ops::to_hex(ops::salted_hash(salt, secret)), row.hash);
  auto raw = store->db().query("SELECT * FROM api_keys");
  ASSERT_TRUE(raw);
  for (size_t i = 0; i < raw->front().columns.size(); ++i) EXPECT_EQ(raw->front().text(i).find(secret.substr(6)), std::string::npos);

  auto listed = ops::list_keys(*store, now_ms());
  ASSERT_TRUE(listed);
  auto text = json::serialize(*listed);
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_EQ(text.find(row.hash), std::string::npos) << text;
  EXPECT_NE(text.find("\"state\":\"active\""), std::string::npos) << text;

  // Names are unique, revoked ones included.
  EXPECT_EQ(ops::create_key(*store, k).error().status, 409);
  k.name = "bad name";
  EXPECT_EQ(ops::create_key(*store, k).error().status, 400);
  k.name = "bob";
  k.role = "superuser";
  EXPECT_EQ(ops::create_key(*store, k).error().status, 400);
}

TEST_P(StoreTest, TheKeyRingAcceptsRevokesRotatesAndExpiresStoreKeys) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto shared = std::shared_ptr<Store>(std::move(store));
  config::Config cfg;
  ops::Budgets budgets(cfg);
  pipeline::KeyRing ring(cfg, shared, &budgets, pipeline::KeyRingOptions{.poll = 20ms});
  ASSERT_TRUE(ring.start());
  EXPECT_TRUE(ring.open());  // no key anywhere yet

  ops::NewKey k;
  k.name = "viewer-1";
  k.role = "viewer";
  k.team = "ops";
  k.tokens_per_minute = 1000;
  k.author = "t";
  auto made = ops::create_key(*shared, k);
  ASSERT_TRUE(made) << made.error().message;
  auto secret = secret_of(*made);
  ASSERT_TRUE(ring.refresh());
  EXPECT_FALSE(ring.open());
  EXPECT_TRUE(ring.admin_possible());
  auto who = ring.authenticate(secret, now_ms());
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->key_name, "viewer-1");
  EXPECT_EQ(who->team, "ops");
  EXPECT_EQ(who->role, core::Role::viewer);
  // Its limits count like a config key's.
  EXPECT_TRUE(budgets.any());
  EXPECT_TRUE(budgets.check(*who, 900, 0));
  auto over = budgets.check(*who, 1500, 0);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().status, 429);

  // One character off: not a key.
  auto wrong = secret;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(ring.authenticate(wrong, now_ms()).error().status, 401);

  // Rotate: the new secret works, the old one is refused at once.
  auto rotated = ops::rotate_key(*shared, "viewer-1", "t");
  ASSERT_TRUE(rotated) << rotated.error().message;
  auto fresh = secret_of(*rotated);
  ASSERT_TRUE(ring.refresh());
  EXPECT_EQ(ring.authenticate(secret, now_ms()).error().status, 401);
  EXPECT_TRUE(ring.authenticate(fresh, now_ms()));

  // Revoke, seen by the follower thread (no refresh() here) within a few polls.
  ASSERT_TRUE(ops::revoke_key(*shared, "viewer-1", "t"));
  auto before = ring.applied_generation();
  for (int i = 0; i < 100 && ring.applied_generation() == before; ++i) std::this_thread::sleep_for(10ms);
  auto refused = ring.authenticate(fresh, now_ms());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 401);
  EXPECT_EQ(refused.error().message, "API key 'viewer-1' has been revoked.");
  EXPECT_FALSE(ring.open());  // the last key revoked does not open the server
  EXPECT_EQ(ops::revoke_key(*shared, "viewer-1", "t").error().status, 409);
  EXPECT_EQ(ops::rotate_key(*shared, "viewer-1", "t").error().status, 409);
  EXPECT_EQ(ops::revoke_key(*shared, "nobody", "t").error().status, 404);

  // Expiry: accepted until the moment, then 401 saying so.
  k.name = "short";
  k.role = "user";
  k.expires_ms = now_ms() + 60'000;
  auto brief = ops::create_key(*shared, k);
  ASSERT_TRUE(brief);
  ASSERT_TRUE(ring.refresh());
  EXPECT_TRUE(ring.authenticate(secret_of(*brief), now_ms()));
  auto late = ring.authenticate(secret_of(*brief), k.expires_ms + 1);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().status, 401);
  EXPECT_NE(late.error().message.find("API key 'short' expired at "), std::string::npos) << late.error().message;
  ring.stop();
}

TEST_P(StoreTest, EveryKeyChangeIsInTheAuditChainWithItsAuthor) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ops::NewKey k;
  k.name = "carol";
  k.author = "dana";
  ASSERT_TRUE(ops::create_key(*store, k));
  ASSERT_TRUE(ops::rotate_key(*store, "carol", "erin"));
  ASSERT_TRUE(ops::revoke_key(*store, "carol", "frank"));
  std::vector<std::string> seen;
  ASSERT_TRUE(store->scan_audit(1, [&](const AuditRow& row) {
    seen.push_back(row.entry.key_name + " " + row.content);
    return true;
  }));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_NE(seen[0].find("cli:dana"), std::string::npos) << seen[0];
  EXPECT_NE(seen[0].find("keys create"), std::string::npos) << seen[0];
  EXPECT_NE(seen[0].find("key:carol"), std::string::npos) << seen[0];
  EXPECT_NE(seen[1].find("cli:erin"), std::string::npos) << seen[1];
  EXPECT_NE(seen[1].find("keys rotate"), std::string::npos) << seen[1];
  EXPECT_NE(seen[2].find("cli:frank"), std::string::npos) << seen[2];
  EXPECT_NE(seen[2].find("keys revoke"), std::string::npos) << seen[2];
  for (const auto& s : seen) EXPECT_EQ(s.find("sk-sy-"), std::string::npos) << s;
}

}  // namespace
}  // namespace sy::store::testing
