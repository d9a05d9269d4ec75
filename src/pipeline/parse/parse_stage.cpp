#include "pipeline/parse/parse_stage.h"

namespace sy::pipeline {

namespace {

class ParseFilter final : public Filter {
 public:
  unsigned hooks() const override { return kRequest; }
  http::awaitable<core::Result<Verdict>> on_request(RequestState& s) override {
    if (!s.parser) co_return core::Error::internal("this endpoint has no body parser");
    auto parsed = s.parser->parse(s.http->body(), s);
    if (!parsed) co_return parsed.error();
    if (auto at = s.chat.model.find('@'); at != std::string::npos) {
      s.pinned = s.chat.model.substr(at + 1);
      s.chat.model.resize(at);
    }
    if (s.record.model.empty()) s.record.model = s.chat.model;
    s.record.stream = s.chat.stream;
    co_return Verdict::next;
  }
};

}  // namespace

ParseStage::ParseStage() : filter_(std::make_unique<ParseFilter>()) {}

FilterPtr ParseStage::start(RequestState&) const { return shared_filter(*filter_); }

}  // namespace sy::pipeline
