// POST /v1/feedback: a client rates one of its own answers.
//   {"request_id": "req_…" | "chatcmpl-req_…" | "resp_…" | "msg_…", "score": -1..1 | "rating": 1..5,
//    "comment"?: "…"}
// The id is the answer's x-switchyard-request-id, or the answer's own id where switchyard made it
// from the request id (the Responses API's resp_…, local models' and the FAQ's chatcmpl-req_…). The rating is kept beside the audit record it rates, for the target and version
// that answered, and counted in that version's metrics. A key may rate only requests made with it:
// anyone else's (or an unknown id) is a 404, so ids of other keys cannot be probed. Any key may
// call it, an Anthropic client with x-api-key too; errors follow the dialect the client speaks.
// A comment is redacted (typed placeholders) before it is stored, like audit text.
#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "api/anthropic/dialect.h"
#include "api/endpoints.h"
#include "core/utf8.h"
#include "http/offload.h"
#include "pipeline/execute/shadow.h"
#include "wire/json_fields.h"
#include "wire/request_body.h"

namespace sy::api {

namespace json = boost::json;
using core::Error;

namespace {

constexpr size_t kMaxCommentChars = 2000;
// A non-durable audit commits within its window: a rating sent right after the answer may come
// before its record, which is looked for again until a few windows have passed. A durable audit
// committed it before the answer's last byte.
constexpr auto kRecordPoll = std::chrono::milliseconds(25);
std::chrono::milliseconds record_wait(const config::AuditConfig& audit) {
  return audit.durable ? std::chrono::milliseconds(0) : 3 * audit.window + std::chrono::milliseconds(100);
}

struct Rating {
  std::string request_id;
  double score = 0;
  std::string comment;
};

// The request id inside any id an answer carried.
std::string request_id_of(std::string_view id) {
  for (std::string_view prefix : {"chatcmpl-", "msg_"}) {
    if (id.starts_with(prefix) && id.substr(prefix.size()).starts_with("req_")) return std::string(id.substr(prefix.size()));
  }
  if (id.starts_with("resp_")) return "req_" + std::string(id.substr(5));
  return std::string(id);
}

core::Result<Rating> parse_rating(std::string_view body) {
  wire::JsonScratch scratch;
  auto o = wire::parse_request_body(body, scratch.storage());
  if (!o) return o.error();
  Rating r;
  auto id = wire::string_or(*o, "request_id");
  if (id.empty()) return Error::invalid_request("'request_id' is required: the answer's x-switchyard-request-id or its id.", "request_id");
  r.request_id = request_id_of(id);
  auto* score = wire::field(*o, "score");
  auto* rating = wire::field(*o, "rating");
  if ((score != nullptr) == (rating != nullptr)) {
    return Error::invalid_request("Give either 'score' (-1 to 1) or 'rating' (1 to 5).", score ? "rating" : "score");
  }
  if (score) {
    auto n = wire::number_of(*score);
    if (!n || *n < -1 || *n > 1) return Error::invalid_request("'score' must be a number from -1 to 1.", "score");
    r.score = *n;
  } else {
    auto n = wire::integer_of(*rating);
    if (!n || *n < 1 || *n > 5) return Error::invalid_request("'rating' must be a whole number from 1 to 5.", "rating");
    r.score = (static_cast<double>(*n) - 3) / 2;  // 1..5 onto -1..1: 3 is neutral
  }
  if (auto* c = wire::field(*o, "comment"); c && !c->is_null()) {
    if (!c->is_string()) return Error::invalid_request("'comment' must be a string.", "comment");
    r.comment = std::string(c->get_string());
    if (core::code_points(r.comment) > kMaxCommentChars) return Error::invalid_request("'comment' may hold at most 2000 characters.", "comment");
  }
  return r;
}

http::awaitable<void> pause(std::chrono::milliseconds d) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace

http::awaitable<void> serve_feedback(Exchange& ex, const Services& services) {
  if (!ex.request["anthropic-version"].empty()) ex.dialect = &anthropic::dialect();
  auto run = co_await services.chains.keyed.admit(ex.state);
  if (!run.admitted()) {
    co_await ex.send_error(run.admitted().error());
    co_return;
  }
  if (!services.audit) {
    auto off = Error::unavailable("Feedback is kept beside the audit trail, which is off here (audit.enabled: false).");
    co_await ex.send_error(off);
    co_return;
  }
  auto parsed = parse_rating(ex.request.body());
  if (!parsed) {
    co_await ex.send_error(parsed.error());
    co_return;
  }
  auto rating = std::move(*parsed);
  const auto& caller = ex.state.principal.key_name;

  std::optional<store::AuditEntry> record;
  for (auto waited = std::chrono::milliseconds(0);; waited += kRecordPoll) {
    auto find = [&store = services.store, id = rating.request_id] { return store.find_audit(id); };
    auto found = co_await http::offload(std::move(find));
    if (!found) {
      co_await ex.send_error(found.error());
      co_return;
    }
    record = std::move(*found);
    if (record || waited >= record_wait(services.config.audit)) break;
    co_await pause(kRecordPoll);
  }
  if (!record || record->key_name != caller) {
    auto missing = Error::not_found("No request with id '" + rating.request_id + "' was made with this key.");
    missing.param = "request_id";
    co_await ex.send_error(missing);
    co_return;
  }

  store::Feedback f{rating.request_id, caller, record->model, record->target, record->version, rating.score,
                    rating.comment.empty() ? std::string() : pipeline::redacted_for_audit(services.scanner.get(), rating.comment),
                    ex.state.record.ts_ms};
  auto keep = [&store = services.store, f]() -> core::Result<std::optional<store::Feedback>> {
    auto before = store.feedback(f.request_id);
    if (!before) return before.error();
    if (auto s = store.put_feedback(f); !s) return s.error();
    return before;
  };
  auto kept = co_await http::offload(std::move(keep));
  if (!kept) {
    co_await ex.send_error(kept.error());
    co_return;
  }
  std::optional<double> replaced;
  if (*kept) replaced = (*kept)->score;
  services.metrics.model(record->model).count_feedback(rating.score, replaced);
  if (!record->target.empty()) {
    services.metrics.version(record->target, record->version.empty() ? "config" : record->version).count_feedback(rating.score, replaced);
    // The version's feedback drift (a replaced rating counts again: ratings are rarely changed).
    if (services.drift) {
      services.drift->observe_feedback({record->model, record->target, record->version.empty() ? "config" : record->version}, rating.score);
    }
  }
  json::object body{{"object", "feedback"},   {"request_id", rating.request_id}, {"score", rating.score},
                    {"model", record->model}, {"target", record->target},        {"version", record->version},
                    {"replaced", replaced.has_value()}};
  co_await ex.send_json(200, json::serialize(body));
}

}  // namespace sy::api
