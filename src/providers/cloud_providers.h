#pragma once
// Factories of the remote providers: one RemoteProvider each, with its API's codec (which
// translates core types to and from the API, streaming included).
#include <memory>

#include "config/config.h"
#include "core/result.h"
#include "providers/provider.h"

namespace sy::providers {

// OpenAI, Azure OpenAI and every OpenAI-compatible host.
core::Result<std::unique_ptr<Provider>> make_openai_compat_provider(const config::ModelConfig& model, const config::Limits& limits);
core::Result<std::unique_ptr<Provider>> make_anthropic_provider(const config::ModelConfig& model, const config::Limits& limits);
core::Result<std::unique_ptr<Provider>> make_gemini_provider(const config::ModelConfig& model, const config::Limits& limits);
core::Result<std::unique_ptr<Provider>> make_bedrock_provider(const config::ModelConfig& model, const config::Limits& limits);

}  // namespace sy::providers
