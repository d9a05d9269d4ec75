#include "ops/audit_command.h"
#include "ops/utc_time.h"

#include <gtest/gtest.h>

#include <sstream>

#include "ops/audit_test_support.h"

namespace sy::ops {
namespace {

TEST(AuditTime, ReadsIsoUtcAndUnixMilliseconds) {
  const int64_t day = 1'795'305'600'000;  // 2026-11-22T00:00:00Z
  EXPECT_EQ(parse_utc_time("2026-11-22").value(), day);
  EXPECT_EQ(parse_utc_time("2026-11-22T08:00:00Z").value(), day + 8 * 3'600'000);
  EXPECT_EQ(parse_utc_time("2026-11-22T08:00Z").value(), day + 8 * 3'600'000);
  EXPECT_EQ(parse_utc_time("2026-11-22T08:00:01.25Z").value(), day + 8 * 3'600'000 + 1250);
  EXPECT_EQ(parse_utc_time("2026-11-22T08:00:01.123456+00:00").value(), day + 8 * 3'600'000 + 1123);
  EXPECT_EQ(parse_utc_time("1969-12-31T23:59:59.999Z").value(), -1);
  EXPECT_EQ(parse_utc_time(std::to_string(day)).value(), day);
  EXPECT_EQ(parse_utc_time("0").value(), 0);
}

TEST(AuditTime, RefusesWhatItCannotReadExactly) {
  for (const char* bad : {"", "yesterday", "2026-11-22T08:00:00", "2026-11-22T08:00:00+01:00", "2026-02-30",
                          "2026-13-01", "2026-11-22T24:00:00Z", "2026-11-22 08:00:00Z", "12abc"}) {
    EXPECT_FALSE(parse_utc_time(bad)) << bad;
  }
}

TEST(AuditExport, WritesStoredContentWithItsChainHashes) {
  sy::testing::TempDir dir("switchyard-audit-export");
  ASSERT_TRUE(sy::testing::write_sample_chain(dir.sqlite_url(), 3));
  auto store = store::Store::open(dir.sqlite_url());
  ASSERT_TRUE(store);
  std::ostringstream out;
  auto written = export_audit(**store, 0, INT64_MAX, out);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, 3);
  std::vector<store::AuditRow> rows;
  ASSERT_TRUE((*store)->scan_audit(1, [&](const store::AuditRow& r) {
    rows.push_back(r);
    return true;
  }));
  std::string expected;
  for (const auto& r : rows) {
    expected += r.content.substr(0, r.content.size() - 1) + ",\"prev_hash\":\"" + r.prev_hash + "\",\"hash\":\"" +
                r.hash + "\"}\n";
  }
  EXPECT_EQ(out.str(), expected);
}

}  // namespace
}  // namespace sy::ops
