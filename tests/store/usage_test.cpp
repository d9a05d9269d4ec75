// Usage and spend from the audit rows: every grouping, the time bounds, the filters.
#include <limits>

#include "store/store_fixture.h"

namespace sy::store::testing {
namespace {

constexpr int64_t feb28_last_ms = 1709164799999;  // 2024-02-28T23:59:59.999Z
constexpr int64_t feb29_ms = 1709164800000;       // 2024-02-29T00:00:00Z (a leap day)
constexpr int64_t feb29_noon_ms = 1709208000000;
constexpr int64_t mar1_ms = 1709251200000;
constexpr int64_t forever = std::numeric_limits<int64_t>::max();

AuditEntry row(int64_t ts, std::string key, std::string team, std::string model, std::string target,
               std::string version, int status, int64_t prompt, int64_t completion, int64_t cost) {
  AuditEntry e;
  e.ts_ms = ts;
  e.request_id = "r" + std::to_string(ts);
  e.key_name = std::move(key);
  e.team = std::move(team);
  e.model = std::move(model);
  e.target = std::move(target);
  e.version = std::move(version);
  e.status = status;
  e.prompt_tokens = prompt;
  e.completion_tokens = completion;
  e.cost_micro_usd = cost;
  e.body = "{}";
  return e;
}

// group:requests/errors/prompt/completion/cost, one string per row: failures show the whole table.
std::vector<std::string> table(const core::Result<std::vector<UsageRow>>& rows) {
  std::vector<std::string> out;
  if (!rows) {
    ADD_FAILURE() << rows.error().message;
    return out;
  }
  for (const auto& r : *rows) {
    out.push_back(r.group + ":" + std::to_string(r.requests) + "/" + std::to_string(r.errors) + "/" +
                  std::to_string(r.prompt_tokens) + "/" + std::to_string(r.completion_tokens) + "/" +
                  std::to_string(r.cost_micro_usd));
  }
  return out;
}

using Strings = std::vector<std::string>;
using Spend = std::vector<std::pair<std::string, int64_t>>;

void seed(Store& store) {
  auto head = store.append_audit({
        row(feb28_last_ms, "k1", "red", "auto", "faq-local", "v1", 200, 10, 20, 100),
        row(feb29_ms, "k1", "red", "auto", "cloud-fast", "", 200, 30, 40, 5000),
        row(feb29_noon_ms, "k2", "blue", "faq-local", "faq-local", "v2", 500, 5, 0, 0),
        row(feb29_noon_ms + 1, "k2", "red", "auto", "", "", 403, 7, 0, 0),
        row(mar1_ms, "k3", "", "cloud-fast", "cloud-fast", "", 200, 1, 2, 300),
        row(mar1_ms + 1, "", "", "auto", "", "", 429, 0, 0, 0),
    });
  ASSERT_TRUE(head) << head.error().message;
}

TEST_P(StoreTest, UsageGroupsByEachColumn) {
  auto store = open_store();
  ASSERT_TRUE(store);
  seed(*store);
  EXPECT_EQ(table(store->usage(UsageGroup::key, 0, forever)),
            (Strings{":1/1/0/0/0", "k1:2/0/40/60/5100", "k2:2/2/12/0/0", "k3:1/0/1/2/300"}));
  EXPECT_EQ(table(store->usage(UsageGroup::team, 0, forever)),
            (Strings{":2/1/1/2/300", "blue:1/1/5/0/0", "red:3/1/47/60/5100"}));
  EXPECT_EQ(table(store->usage(UsageGroup::model, 0, forever)),
            (Strings{"auto:4/2/47/60/5100", "cloud-fast:1/0/1/2/300", "faq-local:1/1/5/0/0"}));
  EXPECT_EQ(table(store->usage(UsageGroup::target, 0, forever)),
            (Strings{":2/2/7/0/0", "cloud-fast:2/0/31/42/5300", "faq-local:2/1/15/20/100"}));
  EXPECT_EQ(table(store->usage(UsageGroup::version, 0, forever)),
            (Strings{":4/2/38/42/5300", "v1:1/0/10/20/100", "v2:1/1/5/0/0"}));
}

TEST_P(StoreTest, UsageByDayUsesUtcDays) {
  auto store = open_store();
  ASSERT_TRUE(store);
  seed(*store);
  EXPECT_EQ(table(store->usage(UsageGroup::day, 0, forever)),
            (Strings{"2024-02-28:1/0/10/20/100", "2024-02-29:3/2/42/40/5000", "2024-03-01:2/1/1/2/300"}));
  // since is inclusive, until exclusive.
  EXPECT_EQ(table(store->usage(UsageGroup::day, feb29_ms, mar1_ms)), (Strings{"2024-02-29:3/2/42/40/5000"}));
  EXPECT_EQ(table(store->usage(UsageGroup::day, feb28_last_ms, feb29_ms)), (Strings{"2024-02-28:1/0/10/20/100"}));
  EXPECT_TRUE(table(store->usage(UsageGroup::day, 0, feb28_last_ms)).empty());
}

TEST_P(StoreTest, UsageFiltersByKeyAndTeam) {
  auto store = open_store();
  ASSERT_TRUE(store);
  seed(*store);
  EXPECT_EQ(table(store->usage(UsageGroup::model, 0, forever, "k2")), (Strings{"auto:1/1/7/0/0", "faq-local:1/1/5/0/0"}));
  EXPECT_EQ(table(store->usage(UsageGroup::key, 0, forever, "", "red")), (Strings{"k1:2/0/40/60/5100", "k2:1/1/7/0/0"}));
  EXPECT_EQ(table(store->usage(UsageGroup::day, 0, forever, "k2", "red")), (Strings{"2024-02-29:1/1/7/0/0"}));
  EXPECT_TRUE(table(store->usage(UsageGroup::key, 0, forever, "nobody")).empty());
}

TEST_P(StoreTest, SpendByKeyAndTeamSince) {
  auto store = open_store();
  ASSERT_TRUE(store);
  seed(*store);
  auto keys = store->spend_by_key(0);
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_EQ(*keys, (Spend{{"k1", 5100}, {"k2", 0}, {"k3", 300}}));  // rows with no key charge nobody
  EXPECT_EQ(*store->spend_by_key(feb29_ms), (Spend{{"k1", 5000}, {"k2", 0}, {"k3", 300}}));
  EXPECT_EQ(*store->spend_by_key(mar1_ms + 2), Spend{});
  auto teams = store->spend_by_team(0);
  ASSERT_TRUE(teams) << teams.error().message;
  EXPECT_EQ(*teams, (Spend{{"blue", 0}, {"red", 5100}}));
  EXPECT_EQ(*store->spend_by_team(feb29_noon_ms), (Spend{{"blue", 0}, {"red", 0}}));
}

}  // namespace
}  // namespace sy::store::testing
