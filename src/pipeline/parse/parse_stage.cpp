#include "pipeline/parse/parse_stage.h"

namespace sy::pipeline {

core::Status ParseStage::check(RequestState& s) const {
  if (!s.parser) return core::Error::internal("this endpoint has no body parser");
  auto parsed = s.parser->parse(s.http->body(), s);
  if (!parsed) return parsed.error();
  // The request is in core terms now; a large body's bytes are no use for the rest of its life.
  if (heavy(s)) std::string().swap(s.http->body());
  if (auto at = s.chat.model.find('@'); at != std::string::npos) {
    s.pinned = s.chat.model.substr(at + 1);
    s.chat.model.resize(at);
  }
  if (s.record.model.empty()) s.record.model = s.chat.model;
  s.record.stream = s.chat.stream;
  return core::Ok{};
}

bool ParseStage::heavy(const RequestState& s) const { return s.http && s.http->body().size() > http::kOffloadBodyBytes; }

ParseStage::ParseStage() : filter_(std::make_unique<CheckFilter<ParseStage>>(*this)) {}

FilterPtr ParseStage::start(RequestState&) const { return shared_filter(*filter_); }

}  // namespace sy::pipeline
