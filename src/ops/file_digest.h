#pragma once
// SHA-256 of a file, read in pieces: what a registered GGUF is checked against before it serves.
#include <string>

#include "core/result.h"

namespace sy::ops {

core::Result<std::string> sha256_file(const std::string& path);  // lowercase hex

}  // namespace sy::ops
