#include "pipeline/parse/parse_stage.h"

#include "http/offload.h"

namespace sy::pipeline {

namespace {

// Reading a body of megabytes takes the better part of a second: off the I/O thread, so the
// other connections it serves (a health check among them) are not kept waiting.
constexpr size_t kOffloadBody = 1u << 20;

class ParseFilter final : public Filter {
 public:
  explicit ParseFilter(const ParseStage& stage) : stage_(stage) {}
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    core::Status parsed = core::Ok{};
    if (s.http && s.http->body().size() > kOffloadBody) {
      parsed = co_await http::offload([this, &s] { return stage_.check(s); });
    } else {
      parsed = stage_.check(s);
    }
    if (!parsed) co_return parsed.error();
    co_return Verdict::next;
  }

 private:
  const ParseStage& stage_;
};

}  // namespace

core::Status ParseStage::check(RequestState& s) const {
  if (!s.parser) return core::Error::internal("this endpoint has no body parser");
  auto parsed = s.parser->parse(s.http->body(), s);
  if (!parsed) return parsed.error();
  // The request is in core terms now; a large body's bytes are no use for the rest of its life.
  if (s.http->body().size() > kOffloadBody) std::string().swap(s.http->body());
  if (auto at = s.chat.model.find('@'); at != std::string::npos) {
    s.pinned = s.chat.model.substr(at + 1);
    s.chat.model.resize(at);
  }
  if (s.record.model.empty()) s.record.model = s.chat.model;
  s.record.stream = s.chat.stream;
  return core::Ok{};
}

ParseStage::ParseStage() : filter_(std::make_unique<ParseFilter>(*this)) {}

FilterPtr ParseStage::start(RequestState&) const { return shared_filter(*filter_); }

}  // namespace sy::pipeline
