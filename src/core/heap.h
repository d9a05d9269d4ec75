#pragma once

namespace sy::core {

// Hands the allocator's free pages back to the operating system, whichever allocator the binary
// was linked with (tcmalloc for the server, glibc's in the sanitizer builds and the test
// binaries). Milliseconds: call it after a large request, not per request.
void return_free_heap();

}  // namespace sy::core
