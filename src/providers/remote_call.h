#pragma once
// The first half of every remote provider's call: start the upstream request, hand the
// client-gone canceller to the caller's context, and turn a non-2xx answer into the error the
// client sees. Only reading the error body differs by provider.
#include <functional>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "core/result.h"
#include "http/upstream.h"
#include "providers/provider.h"

namespace sy::providers {

// Reads a provider's error body (and Retry-After) into an Error.
using ErrorFromBody = std::function<core::Error(int status, std::string_view body, std::string_view retry_after)>;

http::awaitable<core::Result<std::unique_ptr<http::UpstreamCall>>> start_remote_call(const http::Endpoint& endpoint,
                                                                                    http::Request request,
                                                                                    http::Deadlines deadlines,
                                                                                    CallContext& ctx,
                                                                                    const ErrorFromBody& to_error);

}  // namespace sy::providers
