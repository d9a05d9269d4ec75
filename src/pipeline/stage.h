#pragma once
// One step of the request path (auth → quota → privacy → cache → route → ...). A stage either
// lets the request go on, or stops it with an error the client sees. A stage that answers by
// itself (a cache hit, an FAQ answer) will say `replied` once such stages land.
#include <string_view>

#include "core/result.h"
#include "pipeline/request_context.h"

namespace sy::pipeline {

enum class Verdict {
  next,     // go on to the next stage
  replied,  // the stage answered; the chain stops without error
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  virtual core::Result<Verdict> on_request(RequestContext& ctx) = 0;
};

}  // namespace sy::pipeline
