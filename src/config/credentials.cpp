#include "config/credentials.h"

#include <cstdlib>

namespace sy::config {

namespace {

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

}  // namespace

std::string missing_credentials(const ModelConfig& model) {
  switch (model.provider) {
    case ProviderKind::local:
    case ProviderKind::openai_compat:
      return {};
    case ProviderKind::openai:
    case ProviderKind::azure:
    case ProviderKind::anthropic:
    case ProviderKind::gemini:
      return model.api_key.empty() ? "no API key" : "";
    case ProviderKind::bedrock: {
      bool id = !model.access_key_id.empty() || env_set("AWS_ACCESS_KEY_ID");
      bool secret = !model.secret_access_key.empty() || env_set("AWS_SECRET_ACCESS_KEY");
      return id && secret ? "" : "no AWS credentials";
    }
  }
  return {};
}

}  // namespace sy::config
