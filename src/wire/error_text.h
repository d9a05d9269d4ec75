#pragma once
// What an upstream says about a failure, made fit to carry: its message at most 500 bytes, cut on a
// character boundary (half a UTF-8 sequence would break the error JSON a client receives), and its
// error type or code only when it is an identifier (the field is the upstream's to fill).
#include <string>
#include <string_view>

namespace sy::wire {

std::string clip_message(std::string_view message);
std::string error_code_or(std::string_view code, std::string_view fallback);

}  // namespace sy::wire
