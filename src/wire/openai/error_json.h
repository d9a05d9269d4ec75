#pragma once
#include <string>
#include <string_view>

#include "core/error.h"

namespace sy::wire::openai {

// {"error": {"message", "type", "param", "code"}} as OpenAI sends it.
std::string format_error(const core::Error& e);

// The message of an upstream's error body, if it is OpenAI-shaped and has one. Never the whole
// body: an upstream's error may echo the request, and the client already has that.
std::string upstream_error_message(std::string_view body);

}  // namespace sy::wire::openai
