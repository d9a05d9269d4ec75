// The audit trail for the dashboard's audit page and for auditors' scripts:
//   GET  /admin/audit?request_id=&key=&model=&since=&until=&limit=
//        matching records, newest first: the indexed columns, the stored content (the record as
//        it was sealed) and its place in the hash chain
//   POST /admin/audit/verify
//        the whole chain checked as `switchyard audit verify` checks it (ops/audit_verify)
// Under /admin/audit, so the admin auth can keep them to those allowed to read the trail.
#include <deque>

#include <boost/json.hpp>

#include "api/admin/admin_request.h"
#include "api/endpoints.h"
#include "api/off_thread.h"
#include "ops/audit_verify.h"
#include "ops/utc_time.h"

namespace sy::api {

namespace json = boost::json;
namespace {

constexpr int64_t kDayMs = 86'400'000;

bool matches(const AuditQuery& q, const store::AuditEntry& e) {
  if (!q.request_id.empty() && e.request_id != q.request_id) return false;
  if (!q.key.empty() && e.key_name != q.key) return false;
  if (!q.model.empty() && e.model != q.model && e.target != q.model) return false;
  return true;
}

json::object row_json(const store::AuditRow& row) {
  const auto& e = row.entry;
  json::object o{{"seq", row.seq},
                 {"ts_ms", e.ts_ms},
                 {"request_id", e.request_id},
                 {"key", e.key_name},
                 {"team", e.team},
                 {"model", e.model},
                 {"target", e.target},
                 {"version", e.version},
                 {"status", e.status},
                 {"prompt_tokens", e.prompt_tokens},
                 {"completion_tokens", e.completion_tokens},
                 {"cost_usd", static_cast<double>(e.cost_micro_usd) / 1e6},
                 {"prev_hash", row.prev_hash},
                 {"hash", row.hash}};
  // The content as sealed; a row whose content no longer parses is shown as its text, for verify
  // to name.
  boost::system::error_code ec;
  auto record = json::parse(row.content, ec);
  if (ec) o["content"] = row.content;
  else o["record"] = std::move(record);
  return o;
}

// The newest `limit` matching rows of the window, newest first.
core::Result<json::object> search(store::Store& store, const AuditQuery& q) {
  int64_t since = q.since_ms.value_or(ops::now_ms() - kDayMs);
  int64_t until = q.until_ms;
  if (!q.request_id.empty()) {
    // One record: its indexed row says when it was written, so only that instant is read.
    auto found = store.find_audit(q.request_id);
    if (!found) return found.error();
    if (!*found) return json::object{{"data", json::array{}}, {"since", since}};
    since = (*found)->ts_ms;
    until = since + 1;
  }
  std::deque<store::AuditRow> kept;
  size_t scanned = 0;
  auto status = store.scan_audit_time(since, until, [&](const store::AuditRow& row) {
    ++scanned;
    if (!matches(q, row.entry)) return true;
    kept.push_back(row);
    if (kept.size() > q.limit) kept.pop_front();
    return true;
  });
  if (!status) return status.error();
  json::array data;
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) data.push_back(row_json(*it));
  json::object out{{"data", std::move(data)}, {"since", since}, {"scanned", scanned}};
  if (until != std::numeric_limits<int64_t>::max()) out["until"] = until;
  return out;
}

json::object report_json(const ops::VerifyReport& r) {
  json::object o{{"ok", !r.first_problem.has_value()}, {"records", r.records}, {"head_hash", r.head_hash}};
  if (r.first_problem) {
    const auto& p = *r.first_problem;
    o["problem"] = json::object{{"seq", p.seq}, {"request_id", p.request_id}, {"kind", p.kind}, {"detail", p.detail}};
  }
  return o;
}

}  // namespace

http::awaitable<void> serve_admin_audit(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  auto query = parse_audit_query(ex.request.target());
  if (!query) {
    co_await ex.send_error(query.error());
    co_return;
  }
  // Records still waiting for their commit would be missing.
  if (services.audit && !services.audit->options().durable) services.audit->flush();
  auto find = [&store = services.store, q = *query] { return search(store, q); };
  auto found = co_await off_thread(services.background, std::move(find));
  if (!found) {
    co_await ex.send_error(found.error());
    co_return;
  }
  co_await ex.send_json(200, json::serialize(*found));
}

http::awaitable<void> serve_admin_audit_verify(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  if (services.audit && !services.audit->options().durable) services.audit->flush();
  auto check = [&store = services.store] { return ops::verify_audit(store); };
  auto report = co_await off_thread(services.background, std::move(check));
  if (!report) {
    co_await ex.send_error(report.error());
    co_return;
  }
  co_await ex.send_json(200, json::serialize(report_json(*report)));
}

}  // namespace sy::api
