#pragma once
// An OpenAI-shaped chat request -> what the engine needs: sampling knobs (named as OpenAI and
// llama.cpp's server name them), stop strings, the token limit, and response_format as a grammar.
#include "core/chat.h"
#include "core/result.h"
#include "engine/generation.h"

namespace sy::providers::local {

core::Result<engine::GenerationRequest> generation_request(const core::ChatRequest& request);

}  // namespace sy::providers::local
