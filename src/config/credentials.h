#pragma once
// Whether a cloud target has what its API needs to authenticate. A target without credentials
// cannot work (every call would be refused, or worse, time out against an unreachable host after
// retries): it is reported at start, by check-config and by /readyz as unconfigured, and requests
// skip it at once.
#include <string>

#include "config/config.h"

namespace sy::config {

// Why `model` cannot authenticate ("no API key"), or "" when it can or needs nothing. Local
// targets need nothing; nor does openai_compat, whose self-hosted servers (vLLM, llama.cpp's
// server, Ollama) commonly run without a key. Bedrock takes its keys from the config or, as the
// AWS SDKs do, from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
std::string missing_credentials(const ModelConfig& model);

}  // namespace sy::config
