#include "pipeline/audit/audit_stage.h"

#include <boost/asio/this_coro.hpp>

#include "core/request_text.h"
#include "pipeline/execute/shadow.h"
#include "http/event_queue.h"

namespace sy::pipeline {

namespace {

class AuditFilter final : public Filter {
 public:
  explicit AuditFilter(const AuditStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kCommit | kEnd; }
  http::awaitable<core::Status> on_commit(RequestState& s) override { co_return co_await stage_.record_and_wait(s); }
  void on_end(RequestState& s) override { stage_.record_detached(s); }

 private:
  const AuditStage& stage_;
};

bool is_probe(const std::string& path) { return path == "/healthz" || path == "/readyz" || path == "/metrics"; }

// Waits on the I/O thread for the audit writer's verdict on one record, handed over the way the
// engine hands its events (http/event_queue).
http::awaitable<core::Status> append_and_wait(ops::AuditLog& log, ops::RequestRecord record) {
  auto verdict = std::make_shared<http::EventQueue<core::Status>>(co_await boost::asio::this_coro::executor);
  log.append(std::move(record), [verdict](core::Status s) { verdict->push(std::move(s)); });
  auto results = co_await verdict->pop_all();
  co_return std::move(results.front());
}

}  // namespace

AuditStage::AuditStage(ops::AuditLog& log, std::shared_ptr<const privacy::Scanner> scanner, bool include_text)
    : log_(log), scanner_(std::move(scanner)), include_text_(include_text), filter_(std::make_unique<AuditFilter>(*this)) {}

FilterPtr AuditStage::start(RequestState&) const { return shared_filter(*filter_); }

void AuditStage::add_text(RequestState& s) const {
  if (!include_text_ || (s.chat.messages.empty() && s.chat.prompt.empty())) return;
  s.record.prompt_text = redacted_for_audit(scanner_.get(), s.text.empty() ? core::request_text(s.chat) : s.text);
  if (!s.answer_text.empty()) s.record.answer_text = redacted_for_audit(scanner_.get(), s.answer_text);
}

http::awaitable<core::Status> AuditStage::record_and_wait(RequestState& s) const {
  if (s.audited) co_return core::Ok{};
  s.audited = true;
  add_text(s);
  if (!log_.options().durable) {
    log_.append(s.record);
    co_return core::Ok{};
  }
  auto record = s.record;  // a named local: GCC 12 frees temporaries in co_await arguments wrongly
  auto kept = co_await append_and_wait(log_, std::move(record));
  if (!kept) {
    co_return core::Error::unavailable("The audit trail could not record this request, so its answer is withheld (" +
                                       kept.error().message + ").");
  }
  co_return core::Ok{};
}

void AuditStage::record_detached(RequestState& s) const {
  if (s.audited || is_probe(s.record.path)) return;
  s.audited = true;
  add_text(s);
  log_.append(s.record);
}

}  // namespace sy::pipeline
