#pragma once
#include <string>
#include <string_view>

namespace sy::api {

// A fresh id ("req_" and 32 hex digits: 12 of milliseconds since 1970, then 80 random bits): the
// request's own, unique in the audit trail, and ordered by time.
std::string new_request_id();

// The client's x-request-id if it is a sane token (1..128 visible ASCII characters), else "".
// Anything else is dropped, so a log line cannot be forged through the header.
std::string client_request_id(std::string_view from_client);

}  // namespace sy::api
