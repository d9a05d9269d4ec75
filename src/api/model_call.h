#pragma once
// A model's answer to a chat request, for every ingress: the chat chain with the ingress's body
// parser, answered in the ingress's dialect (whole or streamed).
#include "api/exchange.h"
#include "api/services.h"
#include "pipeline/parse/parse_stage.h"

namespace sy::api {

http::awaitable<void> serve_model_call(Exchange& ex, const Services& services, const pipeline::BodyParser& parser);

}  // namespace sy::api
