// The audit verifier's tampering cases (tests/ops/audit_verify_cases.h) on PostgreSQL: a fresh
// database per test on this process's one server.
#include "ops/audit_verify_cases.h"
#include "store/store_fixture.h"

namespace sy::testing {
namespace {

struct PostgresBackend {
  // Like the store's own tests: no PostgreSQL binaries is a skip, a server that fails is a failure.
  static std::string skip_reason() {
    auto& pg = store::testing::shared_postgres();
    return pg.missing() ? pg.error() : std::string();
  }
  static std::string fresh_url() {
    auto& pg = store::testing::shared_postgres();
    if (!pg.ok()) {
      ADD_FAILURE() << pg.error();
      return {};
    }
    static int n = 0;
    std::string error;
    std::string url = pg.create_database("audit_verify_" + std::to_string(n++), &error);
    if (url.empty()) ADD_FAILURE() << error;
    return url;
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, AuditVerify, PostgresBackend);

}  // namespace
}  // namespace sy::testing
