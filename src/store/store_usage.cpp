// Store: usage and spend, summed from the audit rows' indexed columns.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "store/store.h"
#include "store/store_internal.h"

namespace sy::store {

using detail::failed;

namespace {

// The SQL expression a usage group is keyed by. Days are grouped as whole days since the epoch
// (integer division means the same in both dialects) and named in C++, rather than with each
// dialect's date functions.
const char* group_expression(UsageGroup by) {
  switch (by) {
    case UsageGroup::key: return "key_name";
    case UsageGroup::team: return "team";
    case UsageGroup::model: return "model";
    case UsageGroup::target: return "target";
    case UsageGroup::version: return "version";
    case UsageGroup::day: return "ts_ms / 86400000";
  }
  return "model";
}

std::string day_name(int64_t days_since_epoch) {
  std::chrono::year_month_day d{std::chrono::sys_days{std::chrono::days{days_since_epoch}}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return out;
}

// SUM over no rows is NULL, and PostgreSQL's SUM(BIGINT) is NUMERIC: cast back to BIGINT.
constexpr const char* sums =
    "COUNT(*), CAST(SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(prompt_tokens) AS BIGINT), "
    "CAST(SUM(completion_tokens) AS BIGINT), CAST(SUM(cost_micro_usd) AS BIGINT)";

core::Result<std::vector<std::pair<std::string, int64_t>>> spend_by(Db& db, const char* op, const char* column,
                                                                     int64_t since_ms) {
  // Rows without a key (or team) have no budget to charge.
  std::string sql = std::string("SELECT ") + column + ", CAST(SUM(cost_micro_usd) AS BIGINT) FROM audit WHERE ts_ms >= $1 AND " +
                    column + " <> '' GROUP BY " + column;
  const Value params[] = {since_ms};
  auto rows = db.query(sql, params);
  if (!rows) return failed(op, rows.error());
  std::vector<std::pair<std::string, int64_t>> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.emplace_back(r.text(0), r.integer(1));
  std::sort(out.begin(), out.end());  // bytewise in both dialects (see load_registry)
  return out;
}

}  // namespace

core::Result<std::vector<UsageRow>> Store::usage(UsageGroup by, int64_t since_ms, int64_t until_ms,
                                                 const std::string& key_name, const std::string& team) {
  std::string sql = std::string("SELECT ") + group_expression(by) + ", " + sums +
                    " FROM audit WHERE ts_ms >= $1 AND ts_ms < $2";
  std::vector<Value> params{since_ms, until_ms};
  if (!key_name.empty()) {
    params.emplace_back(key_name);
    sql += " AND key_name = $" + std::to_string(params.size());
  }
  if (!team.empty()) {
    params.emplace_back(team);
    sql += " AND team = $" + std::to_string(params.size());
  }
  sql += " GROUP BY 1";

  std::lock_guard lock(mu_);
  auto rows = db_->query(sql, params);
  if (!rows) return failed("usage", rows.error());
  std::vector<UsageRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    UsageRow u;
    u.group = by == UsageGroup::day ? day_name(r.integer(0)) : r.text(0);
    u.requests = r.integer(1);
    u.errors = r.integer(2);
    u.prompt_tokens = r.integer(3);
    u.completion_tokens = r.integer(4);
    u.cost_micro_usd = r.integer(5);
    out.push_back(std::move(u));
  }
  // Bytewise order in both dialects; "YYYY-MM-DD" sorts by date.
  std::sort(out.begin(), out.end(), [](const UsageRow& a, const UsageRow& b) { return a.group < b.group; });
  return out;
}

core::Result<std::vector<std::pair<std::string, int64_t>>> Store::spend_by_key(int64_t since_ms) {
  std::lock_guard lock(mu_);
  return spend_by(*db_, "spend_by_key", "key_name", since_ms);
}

core::Result<std::vector<std::pair<std::string, int64_t>>> Store::spend_by_team(int64_t since_ms) {
  std::lock_guard lock(mu_);
  return spend_by(*db_, "spend_by_team", "team", since_ms);
}

}  // namespace sy::store
