#pragma once
// JSON that models write (tool call arguments, tool results) read for providers that want it as
// structured values (Gemini functionCall.args, Bedrock toolUse.input): bounded depth, finite numbers.
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/chat.h"
#include "core/result.h"

namespace sy::providers {

std::optional<boost::json::value> parse_model_json(std::string_view text);

// A tool call's arguments as a JSON object ({} when empty); a 400 naming `where` otherwise.
core::Result<boost::json::value> arguments_object(const core::ToolCall& call, const std::string& where,
                                                  const char* provider);

}  // namespace sy::providers
