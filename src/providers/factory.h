#pragma once
// One provider for one model config. A target that cannot be made (a bad URL, missing
// credentials) becomes an unavailable provider that says why, so the server still starts.
#include <memory>

#include "config/config.h"
#include "providers/provider.h"

namespace sy::providers {

std::unique_ptr<Provider> make_provider(const config::ModelConfig& model, const config::Limits& limits);

}  // namespace sy::providers
