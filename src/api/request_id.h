#pragma once
#include <string>
#include <string_view>

namespace sy::api {

// The client's x-request-id if it is a sane token (1..128 visible ASCII characters), else a fresh
// random one. Anything else is replaced so a log line cannot be forged through the header.
std::string request_id_for(std::string_view from_client);

}  // namespace sy::api
