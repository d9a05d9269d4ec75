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

namespace sy::fuzz {

// The property checked for one input. Must not leak state from one call to the next.
void check(const uint8_t* data, size_t size);

[[noreturn]] inline void fail(const char* file, int line, const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n%s\n", file, line, what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace sy::fuzz

#define FUZZ_CHECK(cond, detail)                                          \
  do {                                                                    \
    if (!(cond)) ::sy::fuzz::fail(__FILE__, __LINE__, #cond, (detail));   \
  } while (0)
