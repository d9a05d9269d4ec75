// GET /admin/usage?by=key|team|model|target|version|day&since=&until=&key=&team=: requests,
// errors, tokens and cost summed from the audit trail, guarded by the admin key.
#include <boost/json.hpp>

#include "api/admin/admin_request.h"
#include "api/endpoints.h"
#include "api/off_thread.h"

namespace sy::api {

namespace json = boost::json;

http::awaitable<void> serve_admin_usage(Exchange& ex, const Services& services) {
  auto run = co_await services.chains.admin.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  auto query = parse_usage_query(ex.request.target());
  if (!query) {
    co_await ex.send_error(query.error());
    co_return;
  }
  // Records still waiting for their commit would be missing from the sums.
  if (services.audit && !services.audit->options().durable) services.audit->flush();
  auto sum = [&store = services.store, q = *query] { return store.usage(q.group, q.since_ms, q.until_ms, q.key, q.team); };
  auto rows = co_await off_thread(services.background, std::move(sum));
  if (!rows) {
    co_await ex.send_error(rows.error());
    co_return;
  }
  json::array data;
  for (const auto& r : *rows) {
    data.push_back(json::object{{query->by, r.group},
                                {"requests", r.requests},
                                {"errors", r.errors},
                                {"prompt_tokens", r.prompt_tokens},
                                {"completion_tokens", r.completion_tokens},
                                {"cost_usd", static_cast<double>(r.cost_micro_usd) / 1e6}});
  }
  json::object out{{"by", query->by}, {"since", query->since_ms}, {"data", std::move(data)}};
  if (query->until_ms != std::numeric_limits<int64_t>::max()) out["until"] = query->until_ms;
  co_await ex.send_json(200, json::serialize(out));
}

}  // namespace sy::api
