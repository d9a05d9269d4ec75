// Store: ratings of answers, beside their audit records, and the audit lookup they start from.
#include "store/store.h"
#include "store/store_internal.h"

namespace sy::store {

using detail::failed;

core::Result<std::optional<AuditEntry>> Store::find_audit(const std::string& request_id) {
  const Value params[] = {request_id};
  std::lock_guard lock(mu_);
  auto rows = db_->query(
      "SELECT ts_ms, request_id, key_name, team, model, target, version, status, prompt_tokens, completion_tokens, "
      "cost_micro_usd FROM audit WHERE request_id = $1 ORDER BY seq LIMIT 1",
      params);
  if (!rows) return failed("find_audit", rows.error());
  if (rows->empty()) return std::optional<AuditEntry>{};
  const auto& r = rows->front();
  AuditEntry e;
  e.ts_ms = r.integer(0);
  e.request_id = r.text(1);
  e.key_name = r.text(2);
  e.team = r.text(3);
  e.model = r.text(4);
  e.target = r.text(5);
  e.version = r.text(6);
  e.status = static_cast<int>(r.integer(7));
  e.prompt_tokens = r.integer(8);
  e.completion_tokens = r.integer(9);
  e.cost_micro_usd = r.integer(10);
  return std::optional<AuditEntry>{std::move(e)};
}

core::Status Store::put_feedback(const Feedback& f) {
  const Value params[] = {f.request_id, f.key_name, f.model, f.target, f.version, f.score, f.comment, f.ts_ms};
  std::lock_guard lock(mu_);
  // Both dialects take ON CONFLICT (SQLite since 3.24).
  auto s = db_->exec(
      "INSERT INTO feedback (request_id, key_name, model, target, version, score, comment, ts_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id) DO UPDATE SET "
      "score = excluded.score, comment = excluded.comment, ts_ms = excluded.ts_ms",
      params);
  if (!s) return failed("put_feedback", s.error());
  return core::Ok{};
}

core::Result<std::optional<Feedback>> Store::feedback(const std::string& request_id) {
  const Value params[] = {request_id};
  std::lock_guard lock(mu_);
  auto rows = db_->query(
      "SELECT request_id, key_name, model, target, version, score, comment, ts_ms FROM feedback WHERE request_id = $1", params);
  if (!rows) return failed("feedback", rows.error());
  if (rows->empty()) return std::optional<Feedback>{};
  const auto& r = rows->front();
  return std::optional<Feedback>{Feedback{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.real(5), r.text(6), r.integer(7)}};
}

core::Result<Store::FeedbackStats> Store::feedback_stats(const std::string& target, const std::string& version,
                                                        int64_t since_ms) {
  const Value params[] = {target, version, since_ms};
  std::lock_guard lock(mu_);
  auto rows = db_->query(
      "SELECT COUNT(*), AVG(score) FROM feedback WHERE target = $1 AND version = $2 AND ts_ms >= $3", params);
  if (!rows) return failed("feedback_stats", rows.error());
  if (rows->empty()) return FeedbackStats{};
  return FeedbackStats{rows->front().integer(0), rows->front().real(1)};
}

}  // namespace sy::store
