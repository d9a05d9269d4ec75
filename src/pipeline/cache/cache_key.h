#pragma once
// Which requests may share an answer: the same normalized request (model and version asked for,
// messages, sampling, tools, response format; the stream flag is no part of it) from the same
// scope (key, team, or everyone) under the same privacy class. The key is a SHA-256 of all of it,
// so no request text sits in the cache's index.
#include <string>

#include "config/config.h"
#include "pipeline/request_state.h"

namespace sy::pipeline {

std::string cache_key(const RequestState& s, const config::CacheConfig& config);

}  // namespace sy::pipeline
