// Feedback beside the audit: the audit lookup by request id, one rating per request (a second
// replaces the first), on both backends.
#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

AuditEntry record(std::string request_id, std::string key, std::string target, std::string version) {
  AuditEntry e;
  e.ts_ms = 1'700'000'000'000;
  e.request_id = std::move(request_id);
  e.key_name = std::move(key);
  e.model = "auto";
  e.target = std::move(target);
  e.version = std::move(version);
  e.status = 200;
  e.body = "{}";
  return e;
}

TEST_P(StoreTest, AnAuditRecordIsFoundByItsRequestId) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->append_audit({record("req_a", "alice", "faq-local", "v2"), record("req_b", "bob", "cloud", "")}));
  auto a = store->find_audit("req_a");
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->key_name, "alice");
  EXPECT_EQ((*a)->target, "faq-local");
  EXPECT_EQ((*a)->version, "v2");
  EXPECT_EQ((*a)->status, 200);
  auto none = store->find_audit("req_missing");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST_P(StoreTest, ASecondRatingReplacesTheFirst) {
  auto store = open_store();
  ASSERT_TRUE(store);
  Feedback f{"req_a", "alice", "auto", "faq-local", "v2", 1.0, "right answer", 1};
  ASSERT_TRUE(store->put_feedback(f));
  f.score = -0.5;
  f.comment = "on second thought, half wrong";
  f.ts_ms = 2;
  ASSERT_TRUE(store->put_feedback(f));
  auto got = store->feedback("req_a");
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->score, -0.5);
  EXPECT_EQ((*got)->comment, "on second thought, half wrong");
  EXPECT_EQ((*got)->ts_ms, 2);
  EXPECT_EQ((*got)->version, "v2");
  auto rows = store->db().query("SELECT COUNT(*) FROM feedback");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->front().integer(0), 1);
  EXPECT_FALSE(store->feedback("req_other")->has_value());
}

}  // namespace
}  // namespace sy::store::testing
