// POST /v1/route/explain: the routing decision for a chat request, without calling any model.
// What an operator (or a test) asks to learn why a request would go where it goes.
#include <boost/json.hpp>

#include "api/exchange.h"
#include "api/gateway.h"
#include "wire/openai/chat_request.h"
#include "wire/openai/error_json.h"

namespace sy::api {

namespace json = boost::json;

http::awaitable<void> Gateway::serve_route_explain(Exchange& ex) {
  if (auto v = auth_->on_request(ex.ctx); !v) {
    co_await ex.send_error(v.error());
    co_return;
  }
  auto parsed = wire::openai::parse_chat_request(ex.request.body());
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  ex.record.model = parsed->model;
  auto decision = router_->decide(*parsed, ex.ctx.principal);
  if (!decision) {
    co_await ex.send_error(decision.error());
    co_return;
  }
  const auto& d = *decision;
  json::array candidates, findings, reasons;
  for (const auto& c : d.candidates) candidates.emplace_back(c.model->name);
  for (const auto& f : d.findings) findings.push_back(json::object{{"kind", f.kind}, {"start", f.start}, {"end", f.end}});
  for (const auto& r : d.reasons) reasons.emplace_back(r);
  json::object body{{"route", d.route},
                    {"target", d.candidates.empty() || d.refusal ? json::value(nullptr) : json::value(d.candidates.front().model->name)},
                    {"candidates", std::move(candidates)},
                    {"privacy", router::to_string(d.privacy)},
                    {"findings", std::move(findings)},
                    {"rule", d.rule},
                    {"reasons", std::move(reasons)}};
  if (!d.faq_id.empty()) body["faq"] = json::object{{"id", d.faq_id}, {"score", d.faq_score}};
  if (d.scan_failed) body["scan_failed"] = true;
  if (d.refusal) body["refusal"] = json::parse(wire::openai::format_error(*d.refusal)).as_object()["error"];
  co_await ex.send_json(200, json::serialize(body));
}

}  // namespace sy::api
