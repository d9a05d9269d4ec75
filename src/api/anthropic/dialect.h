#pragma once
#include "api/exchange.h"

namespace sy::api::anthropic {

// Anthropic's Messages API, for answers to /v1/messages.
const ClientDialect& dialect();

}  // namespace sy::api::anthropic
