// Placeholder until the provider lands: the target stays unhealthy, with this reason.
#include "providers/cloud_providers.h"

namespace sy::providers {

core::Result<std::unique_ptr<Provider>> make_bedrock_provider(const config::ModelConfig&, const config::Limits&) {
  return core::Error::unavailable("provider 'bedrock' has not landed yet");
}

}  // namespace sy::providers
