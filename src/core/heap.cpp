#include "core/heap.h"

#include <malloc.h>

// Resolved only when tcmalloc is linked in (see SWITCHYARD_ALLOCATOR in CMakeLists.txt); weak so
// that a binary on glibc's allocator links and falls back to malloc_trim.
extern "C" void MallocExtension_ReleaseFreeMemory() __attribute__((weak));

namespace sy::core {

void return_free_heap() {
  if (MallocExtension_ReleaseFreeMemory) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    ::malloc_trim(0);
  }
}

}  // namespace sy::core
