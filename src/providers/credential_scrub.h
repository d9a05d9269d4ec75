#pragma once
// An upstream's own words may reach our client only after everything that looks like a credential
// is gone from them: an upstream (or a proxy in front of it) that echoes the request's headers
// would otherwise hand our client this gateway's API key. Two nets, because either alone misses:
// the target's configured secrets by value (also when echoed in part), and the shapes credentials
// take in an echo (Authorization/api-key style header lines, "Bearer <token>", well-known key
// prefixes), whatever their value.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace sy::providers {

// The credential values a target's requests carry: API key, AWS keys and token, extra headers.
std::vector<std::string> secrets_of(const config::ModelConfig& target);

// `text` with every credential replaced by "[redacted]".
std::string scrub_credentials(std::string_view text, const std::vector<std::string>& secrets);

// Makes an error from `target` fit for the client: the upstream's own words (error.upstream_message)
// are logged for the operator and, where they help the client fix its request (a 400), appended to
// the message; scrubbed both times. Afterwards upstream_message is empty.
void settle_upstream_words(core::Error& error, const config::ModelConfig& target);

}  // namespace sy::providers
