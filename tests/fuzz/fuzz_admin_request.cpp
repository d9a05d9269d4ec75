// Admin API requests (network input, if only from holders of the admin key): the registry
// action parser over a path and a body, the usage and audit query parsers over a request target,
// and the UTC time parser under them. Never a crash; errors are 400/404 with a message; what is accepted
// is consistent with what was sent.
#include <string>
#include <string_view>

#include "api/admin/admin_request.h"
#include "fuzz_check.h"
#include "ops/utc_time.h"

namespace sy::fuzz {

// Input: PATH '\n' BODY (registry) and, separately, the whole input as a usage target.
void check(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  auto path = input.substr(0, nl);
  auto body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  auto action = api::parse_registry_action(path, body, "");
  if (!action) {
    FUZZ_CHECK(action.error().status == 400 || action.error().status == 404, action.error().message);
    FUZZ_CHECK(!action.error().message.empty(), "an error says why");
  } else {
    FUZZ_CHECK(!action->model.empty() && action->model.find('/') == std::string::npos, action->model);
    FUZZ_CHECK(std::string(path).ends_with("/" + action->action), action->action);
    FUZZ_CHECK(!action->author.empty(), "every change has an author");
    if (action->action == "versions") FUZZ_CHECK(action->added.model == action->model, action->added.model);
  }

  auto query = api::parse_usage_query(input);
  if (!query) {
    FUZZ_CHECK(query.error().status == 400, query.error().message);
  } else {
    static const std::string_view kGroups[] = {"key", "team", "model", "target", "version", "day"};
    bool known = false;
    for (auto g : kGroups) known = known || query->by == g;
    FUZZ_CHECK(known, query->by);
  }

  auto audit = api::parse_audit_query(input);
  if (!audit) {
    FUZZ_CHECK(audit.error().status == 400, audit.error().message);
  } else {
    FUZZ_CHECK(audit->limit >= 1 && audit->limit <= api::AuditQuery::kMaxLimit, "limit in range");
    FUZZ_CHECK(!audit->since_ms || *audit->since_ms < audit->until_ms, "since before until");
  }

  auto t = ops::parse_utc_time(std::string(input));
  if (!t) FUZZ_CHECK(t.error().status == 400, t.error().message);
}

}  // namespace sy::fuzz
