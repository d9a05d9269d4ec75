// The verifier on SQLite: a fresh database file per test. (The same cases on PostgreSQL are in
// tests/store/audit_verify_postgres_test.cpp.)
#include "ops/audit_verify.h"

#include <memory>

#include "ops/audit_verify_cases.h"

namespace sy::testing {
namespace {

struct SqliteBackend {
  static std::string skip_reason() { return {}; }
  static std::string fresh_url() {
    // One directory for the process, removed at exit; a new file per call.
    static TempDir dir("switchyard-audit-verify");
    static int n = 0;
    return dir.sqlite_url("audit-" + std::to_string(n++) + ".db");
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, AuditVerify, SqliteBackend);

TEST(AuditVerifySqlite, ContentThatIsNotJsonIsChanged) {
  auto url = SqliteBackend::fresh_url();
  ASSERT_TRUE(write_sample_chain(url, 5));
  auto store = store::Store::open(url);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->db().exec("UPDATE audit SET content = 'gone' WHERE seq = 3"));
  auto report = ops::verify_audit(**store);
  ASSERT_TRUE(report);
  ASSERT_TRUE(report->first_problem);
  EXPECT_EQ(report->first_problem->kind, "changed");
  EXPECT_EQ(report->first_problem->seq, 3);
  EXPECT_EQ(report->first_problem->request_id, "req-3");
}

TEST(AuditVerifySqlite, RowsPastTheHeadAreReported) {
  auto url = SqliteBackend::fresh_url();
  ASSERT_TRUE(write_sample_chain(url, 5));
  auto store = store::Store::open(url);
  ASSERT_TRUE(store);
  auto head3 = std::string();
  ASSERT_TRUE((*store)->scan_audit(3, [&](const store::AuditRow& r) {
    head3 = r.hash;
    return false;
  }));
  std::vector<store::Value> params = {head3};
  ASSERT_TRUE((*store)->db().exec("UPDATE audit_head SET seq = 3, hash = $1", params));
  auto report = ops::verify_audit(**store);
  ASSERT_TRUE(report);
  ASSERT_TRUE(report->first_problem);
  EXPECT_EQ(report->first_problem->seq, 4);
}

}  // namespace
}  // namespace sy::testing
