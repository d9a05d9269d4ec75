#pragma once
// OpenAI chat.completion / chat.completion.chunk / text_completion bodies <-> core types.
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/result.h"

namespace sy::wire::openai {

using Kind = core::ChatRequest::Kind;

// From an upstream. Malformed bodies are 502s: the upstream broke its contract, not the client.
core::Result<core::ChatResponse> parse_response(std::string_view body, Kind kind);
core::Result<core::ChatChunk> parse_chunk(std::string_view data, Kind kind);

// To the client.
std::string format_response(const core::ChatResponse& r, Kind kind);
std::string format_chunk(const core::ChatChunk& c, Kind kind);

boost::json::object format_usage(const core::Usage& u, boost::json::storage_ptr storage = {});
core::Usage parse_usage(const boost::json::object& o);

}  // namespace sy::wire::openai
