// libFuzzer's entry point for any one check() (clang -fsanitize=fuzzer).
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sy::fuzz::check(data, size);
  return 0;
}
