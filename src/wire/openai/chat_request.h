#pragma once
// OpenAI chat/completions and completions request bodies <-> core::ChatRequest.
#include <string_view>

#include <boost/json/object.hpp>

#include "core/chat.h"
#include "core/result.h"

namespace sy::wire::openai {

// Parses and validates a client's body. Errors are 400s naming the offending param.
core::Result<core::ChatRequest> parse_chat_request(std::string_view body);
core::Result<core::ChatRequest> parse_completion_request(std::string_view body);

// The body an OpenAI-compatible upstream receives; `upstream_model` replaces the client's name.
// The tree lives in `storage`: a body serialized at once is built in a JsonScratch's arena, which
// spares an allocation (and a free) per key, string and container.
boost::json::object format_request(const core::ChatRequest& request, const std::string& upstream_model,
                                   boost::json::storage_ptr storage = {});

// Shared by the request and the response translators.
core::Result<core::Message> parse_message(const boost::json::object& o, bool strict);
boost::json::object format_message(const core::Message& m, boost::json::storage_ptr storage = {});

}  // namespace sy::wire::openai
