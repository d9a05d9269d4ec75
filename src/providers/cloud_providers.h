#pragma once
// Factories of the cloud providers that speak their own wire format (each translates core types
// to and from its API, streaming included). OpenAI and Azure are in openai_compat/.
#include <memory>

#include "config/config.h"
#include "core/result.h"
#include "providers/provider.h"

namespace sy::providers {

core::Result<std::unique_ptr<Provider>> make_anthropic_provider(const config::ModelConfig& model, const config::Limits& limits);
core::Result<std::unique_ptr<Provider>> make_gemini_provider(const config::ModelConfig& model, const config::Limits& limits);
core::Result<std::unique_ptr<Provider>> make_bedrock_provider(const config::ModelConfig& model, const config::Limits& limits);

}  // namespace sy::providers
