#pragma once
// What an admin API request asks, read from its path, query and body (network input, fuzzed in
// tests/fuzz/fuzz_admin_request.cpp): a registry action, a usage report, or an audit search.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace sy::api {

// POST /admin/models/{model}/{action}
struct RegistryAction {
  std::string model;
  std::string action;          // versions | promote | rollback | canary | shadow | retire
  std::string version;
  std::string alias;
  std::string author;          // x-switchyard-author, else the body's "author", else "admin-api"
  double percent = -1;         // canary | shadow
  bool force = false;          // promote | canary past a failing eval gate (audited)
  store::ModelVersion added;   // versions: the new version (model, version and author filled in)
};

// `path` is /admin/models/{model}/{action}; the body is empty or a JSON object.
core::Result<RegistryAction> parse_registry_action(std::string_view path, std::string_view body,
                                                   std::string_view author_header);

// GET /admin/usage?by=key|team|model|target|version|day&since=&until=&key=&team=
struct UsageQuery {
  std::string by = "key";
  store::UsageGroup group = store::UsageGroup::key;
  int64_t since_ms = 0;
  int64_t until_ms = std::numeric_limits<int64_t>::max();
  std::string key;
  std::string team;
};

core::Result<UsageQuery> parse_usage_query(std::string_view target);

// GET /admin/audit?request_id=&key=&model=&since=&until=&limit=: audit records, newest first.
// `model` matches what was asked for or what answered; `since` defaults to a day back from now.
struct AuditQuery {
  std::string request_id;
  std::string key;
  std::string model;
  std::optional<int64_t> since_ms;
  int64_t until_ms = std::numeric_limits<int64_t>::max();
  size_t limit = 100;
  static constexpr size_t kMaxLimit = 1000;
};

core::Result<AuditQuery> parse_audit_query(std::string_view target);

}  // namespace sy::api
