// POST /v1/route/explain: what the chat path would decide for a request, without calling any
// model: a dry run of the same chain (auth, parse, privacy scan, quota check without holding
// anything, route with version resolution), so it cannot disagree with what execution does.
#include <boost/json.hpp>

#include "api/body_parsers.h"
#include "api/endpoints.h"
#include "privacy/offsets.h"
#include "wire/openai/error_json.h"

namespace sy::api {

namespace json = boost::json;

namespace {

// A refusal on policy grounds is part of the explanation; anything else (a bad key, a bad body,
// an unknown model) is the client's error.
bool explains(const pipeline::RequestState& s, const core::Error& e) {
  return (s.decision && s.decision->refusal) || e.type == "privacy_policy" || e.status == 429;
}

}  // namespace

http::awaitable<void> serve_route_explain(Exchange& ex, const Services& services) {
  static const OpenAIParser parser(core::ChatRequest::Kind::chat);
  auto& s = ex.state;
  s.parser = &parser;
  auto admitted = co_await services.chains.chat.dry_run(s);
  if (!admitted && !explains(s, admitted.error())) {
    co_await ex.send_error(admitted.error());
    co_return;
  }
  json::array candidates, findings, reasons;
  for (const auto& t : s.targets) candidates.emplace_back(t.model->name);
  for (const auto& f : s.findings) {
    auto [start, end] = privacy::char_offsets(s.text, f);
    findings.push_back(json::object{{"kind", privacy::to_string(f.kind)}, {"start", start}, {"end", end}});
  }
  for (const auto& r : s.record.reasons) reasons.emplace_back(r);
  const bool refused = !admitted;
  json::object body{{"route", s.decision ? s.decision->route : s.chat.model},
                    {"target", refused || s.targets.empty() ? json::value(nullptr) : json::value(s.targets.front().model->name)},
                    {"candidates", std::move(candidates)},
                    {"privacy", router::to_string(s.privacy.privacy)},
                    {"findings", std::move(findings)},
                    {"rule", s.record.rule},
                    {"reasons", std::move(reasons)}};
  if (!refused && !s.targets.empty() && s.targets.front().deployment) {
    body["version"] = s.targets.front().deployment->version;
    body["role"] = serving::to_string(s.targets.front().role);
  }
  if (s.decision && !s.decision->faq_id.empty()) body["faq"] = json::object{{"id", s.decision->faq_id}, {"score", s.decision->faq_score}};
  if (!s.record.passages.empty()) {
    json::array passages;
    for (const auto& p : s.record.passages) passages.emplace_back(p);
    body["passages"] = std::move(passages);
  }
  if (s.privacy.scan_failed) body["scan_failed"] = true;
  if (refused) body["refusal"] = json::parse(wire::openai::format_error(admitted.error())).as_object()["error"];
  co_await ex.send_json(200, json::serialize(body));
}

}  // namespace sy::api
