#pragma once
// A client's request body as a JSON object, for every ingress: empty, malformed (NUL bytes named),
// too deep (64 levels), not an object or holding a number past a double's range is a 400.
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>

#include "core/result.h"

namespace sy::wire {

core::Result<boost::json::object> parse_request_body(std::string_view body, boost::json::storage_ptr storage);

}  // namespace sy::wire
