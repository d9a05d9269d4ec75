#include "providers/factory.h"

#include "config/credentials.h"

#include "providers/cloud_providers.h"
#include "providers/local/local_provider.h"
#include "providers/unavailable_provider.h"

namespace sy::providers {

namespace {

std::unique_ptr<Provider> or_unavailable(core::Result<std::unique_ptr<Provider>> made) {
  if (made) return std::move(*made);
  return std::make_unique<UnavailableProvider>(made.error().message);
}

}  // namespace

std::unique_ptr<Provider> make_provider(const config::ModelConfig& m, const config::Limits& limits) {
  using config::ProviderKind;
  // Without credentials every call would fail (or hang on an unreachable host through its
  // retries): the target is unconfigured, and routes skip it without calling.
  if (auto why = config::missing_credentials(m); !why.empty()) {
    return std::make_unique<UnavailableProvider>("unconfigured: " + why, true);
  }
  switch (m.provider) {
    case ProviderKind::openai_compat:
    case ProviderKind::openai:
    case ProviderKind::azure:
      return or_unavailable(make_openai_compat_provider(m, limits));
    case ProviderKind::local:
      return std::make_unique<LocalProvider>(m);
    case ProviderKind::anthropic:
      return or_unavailable(make_anthropic_provider(m, limits));
    case ProviderKind::gemini:
      return or_unavailable(make_gemini_provider(m, limits));
    case ProviderKind::bedrock:
      return or_unavailable(make_bedrock_provider(m, limits));
  }
  return std::make_unique<UnavailableProvider>("unknown provider");
}

}  // namespace sy::providers
