#pragma once
// The verifier against real tampering, written once and run on each backend: a chain of
// kRecords records is written through AuditLog into a fresh store, then rows are edited, deleted
// or moved with plain SQL, as someone with database access would, and verify_audit must name the
// record and what was done to it.
//
// Instantiate with a backend type that has `static std::string fresh_url()` (a new, empty store)
// and `static std::string skip_reason()` ("" = the backend can run here):
//   INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, AuditVerify, SqliteBackend);
#include <gtest/gtest.h>

#include "ops/audit_test_support.h"
#include "ops/audit_verify.h"

namespace sy::testing {

template <class Backend>
class AuditVerify : public ::testing::Test {
 protected:
  static constexpr int kRecords = 50;

  void SetUp() override {
    if (auto why = Backend::skip_reason(); !why.empty()) GTEST_SKIP() << why;
    url_ = Backend::fresh_url();
    ASSERT_FALSE(url_.empty());
    ASSERT_TRUE(write_sample_chain(url_, kRecords));
    auto store = store::Store::open(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  void sql(const std::string& statement, std::vector<store::Value> params = {}) {
    auto s = store_->db().exec(statement, params);
    ASSERT_TRUE(s) << statement << ": " << s.error().message;
  }

  store::AuditRow row(int64_t seq) {
    store::AuditRow found;
    auto s = store_->scan_audit(seq, [&](const store::AuditRow& r) {
      found = r;
      return false;
    });
    EXPECT_TRUE(s);
    EXPECT_EQ(found.seq, seq);
    return found;
  }

  ops::AuditProblem problem() {
    auto report = ops::verify_audit(*store_);
    if (!report) {
      ADD_FAILURE() << "verify_audit: " << report.error().message;
      return {};
    }
    if (!report->first_problem) {
      ADD_FAILURE() << "the tampering went unnoticed";
      return {};
    }
    return *report->first_problem;
  }

  // Replaces `from` with `to` in record `seq`'s stored content, as someone hiding something would.
  void edit_content(int64_t seq, const std::string& from, const std::string& to) {
    sql("UPDATE audit SET content = REPLACE(content, $1, $2) WHERE seq = $3", {from, to, seq});
    ASSERT_NE(row(seq).content.find(to), std::string::npos);
  }

  // The same, then the row's own hash recomputed so that the row is consistent with itself.
  void rewrite_content(int64_t seq, const std::string& from, const std::string& to) {
    edit_content(seq, from, to);
    auto edited = row(seq);
    sql("UPDATE audit SET hash = $1 WHERE seq = $2", {store::chain_hash(edited.prev_hash, edited.content), seq});
  }

  std::string url_;
  std::unique_ptr<store::Store> store_;
};

TYPED_TEST_SUITE_P(AuditVerify);

TYPED_TEST_P(AuditVerify, AnIntactChainIsOk) {
  auto report = ops::verify_audit(*this->store_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->first_problem) << report->first_problem->detail;
  EXPECT_EQ(report->records, this->kRecords);
  auto head = this->store_->audit_head();
  ASSERT_TRUE(head);
  EXPECT_EQ(report->head_hash, head->hash);
  EXPECT_EQ(report->head_hash.size(), 64u);
}

TYPED_TEST_P(AuditVerify, EditedContentIsChangedAtThatRecord) {
  this->edit_content(17, "\"status\":200", "\"status\":500");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "changed");
  EXPECT_EQ(p.seq, 17);
  EXPECT_EQ(p.request_id, "req-17");
}

TYPED_TEST_P(AuditVerify, AnIndexedColumnEditedAloneIsChanged) {
  this->sql("UPDATE audit SET cost_micro_usd = 0 WHERE seq = 23");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "changed");
  EXPECT_EQ(p.seq, 23);
  EXPECT_EQ(p.request_id, "req-23");
  EXPECT_NE(p.detail.find("cost_micro_usd"), std::string::npos) << p.detail;
}

TYPED_TEST_P(AuditVerify, AnotherIndexedColumnEditedAloneIsChanged) {
  this->sql("UPDATE audit SET key_name = 'mallory' WHERE seq = 8");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "changed");
  EXPECT_EQ(p.seq, 8);
  EXPECT_NE(p.detail.find("mallory"), std::string::npos) << p.detail;
}

TYPED_TEST_P(AuditVerify, ADeletedRowIsRemoved) {
  this->sql("DELETE FROM audit WHERE seq = 30");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "removed");
  EXPECT_EQ(p.seq, 30);
}

TYPED_TEST_P(AuditVerify, TheFirstRowDeletedIsRemoved) {
  this->sql("DELETE FROM audit WHERE seq = 1");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "removed");
  EXPECT_EQ(p.seq, 1);
}

TYPED_TEST_P(AuditVerify, RowsDeletedAtTheEndAreRemoved) {
  this->sql("DELETE FROM audit WHERE seq >= 49");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "removed");
  EXPECT_EQ(p.seq, 49);
  EXPECT_NE(p.detail.find("49..50"), std::string::npos) << p.detail;
}

TYPED_TEST_P(AuditVerify, EveryRowDeletedIsRemoved) {
  this->sql("DELETE FROM audit");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "removed");
  EXPECT_EQ(p.seq, 1);
}

TYPED_TEST_P(AuditVerify, TwoRowsSwappedAreReordered) {
  this->sql("UPDATE audit SET seq = -10 WHERE seq = 10");
  this->sql("UPDATE audit SET seq = 10 WHERE seq = 11");
  this->sql("UPDATE audit SET seq = 11 WHERE seq = -10");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "reordered");
  EXPECT_EQ(p.seq, 10);
  EXPECT_EQ(p.request_id, "req-11");
}

// Recomputing the edited row's own hash makes it consistent with itself; the next record is
// still chained to the original, and that names the edited one.
TYPED_TEST_P(AuditVerify, AnEditHiddenByANewHashShowsInTheNextLink) {
  this->rewrite_content(40, "\"privacy\":\"local_only\"", "\"privacy\":\"any\"");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "changed");
  EXPECT_EQ(p.seq, 40);
  EXPECT_EQ(p.request_id, "req-40");
  EXPECT_NE(p.detail.find("record 41"), std::string::npos) << p.detail;
}

// The last record has no next one to give it away; the head does.
TYPED_TEST_P(AuditVerify, TheLastRowRewrittenWithANewHashDisagreesWithTheHead) {
  this->rewrite_content(50, "\"privacy\":\"local_only\"", "\"privacy\":\"any\"");
  auto p = this->problem();
  EXPECT_EQ(p.kind, "changed");
  EXPECT_EQ(p.seq, 50);
  EXPECT_NE(p.detail.find("head"), std::string::npos) << p.detail;
}

// Bytes that are not UTF-8 (a client's request id header) are stored and verify like any other.
TYPED_TEST_P(AuditVerify, ARecordWithBytesThatAreNotUtf8IsStoredAndVerifies) {
  auto log = ops::AuditLog::open(this->url_, ops::AuditOptions{});
  ASSERT_TRUE(log) << log.error().message;
  ops::RequestRecord r = sample_record(51);
  r.request_id = std::string("bad-\xff\0-id", 9);
  std::optional<core::Status> done;
  (*log)->append(r, [&](core::Status s) { done = std::move(s); });
  (*log)->flush();
  ASSERT_TRUE(done.has_value());
  ASSERT_TRUE(*done) << done->error().message;
  auto report = ops::verify_audit(*this->store_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->first_problem) << report->first_problem->detail;
  EXPECT_EQ(report->records, this->kRecords + 1);
}

TYPED_TEST_P(AuditVerify, AnEmptyStoreIsOk) {
  auto url = TypeParam::fresh_url();
  auto store = store::Store::open(url);
  ASSERT_TRUE(store) << store.error().message;
  auto report = ops::verify_audit(**store);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->first_problem);
  EXPECT_EQ(report->records, 0);
  EXPECT_EQ(report->head_hash, store::genesis_hash());
}

REGISTER_TYPED_TEST_SUITE_P(AuditVerify, AnIntactChainIsOk, EditedContentIsChangedAtThatRecord,
                            AnIndexedColumnEditedAloneIsChanged, AnotherIndexedColumnEditedAloneIsChanged,
                            ADeletedRowIsRemoved, TheFirstRowDeletedIsRemoved, RowsDeletedAtTheEndAreRemoved,
                            EveryRowDeletedIsRemoved, TwoRowsSwappedAreReordered,
                            AnEditHiddenByANewHashShowsInTheNextLink,
                            TheLastRowRewrittenWithANewHashDisagreesWithTheHead,
                            ARecordWithBytesThatAreNotUtf8IsStoredAndVerifies, AnEmptyStoreIsOk);

}  // namespace sy::testing
