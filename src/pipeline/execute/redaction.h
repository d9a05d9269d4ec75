#pragma once
// Redact mode: the copy of a request a cloud target gets, every sensitive value replaced by a
// typed placeholder ([EMAIL_1]); the mapping stays here, to put the values back into the answer.
#include <memory>
#include <optional>

#include "core/chat.h"
#include "core/result.h"
#include "privacy/redactor.h"

namespace sy::privacy {
class Scanner;
}

namespace sy::pipeline {

struct Redacted {
  core::ChatRequest request;
  privacy::Redactor redactor;
};

// Fails closed: if any piece cannot be scanned, there is no redacted copy to send.
core::Result<std::unique_ptr<Redacted>> redact_request(const core::ChatRequest& request, const privacy::Scanner& scanner);

}  // namespace sy::pipeline
