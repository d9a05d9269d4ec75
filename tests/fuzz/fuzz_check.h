#pragma once
// Each fuzz target is one check(data, size) over arbitrary bytes, built twice: with libFuzzer's
// entry point (libfuzzer_main.cpp, clang, SWITCHYARD_FUZZ=ON) and with a small main that replays
// the seed corpus (replay_main.cpp, every build, a CTest test per target). A property that does
// not hold aborts with a message, in release builds too (no assert(): NDEBUG would drop it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sy::fuzz {

// The property checked for one input. Must not leak state from one call to the next.
void check(const uint8_t* data, size_t size);

[[noreturn]] inline void fail(const char* file, int line, const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n%s\n", file, line, what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// Whether `s` is well-formed UTF-8 (no overlongs of 2-byte form, no stray continuation bytes).
inline bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace sy::fuzz

#define FUZZ_CHECK(cond, detail)                                          \
  do {                                                                    \
    if (!(cond)) ::sy::fuzz::fail(__FILE__, __LINE__, #cond, (detail));   \
  } while (0)
