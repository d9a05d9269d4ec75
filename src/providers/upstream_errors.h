#pragma once
// Turns an upstream's non-2xx answer into the error the client sees. Shared by every remote
// provider: the status mapping is a gateway policy, not a wire format.
#include <string_view>

#include "core/error.h"

namespace sy::providers {

// `message` is the upstream's own error message, if its body had one.
core::Error map_upstream_status(int status, std::string_view message, std::string_view retry_after);

}  // namespace sy::providers
