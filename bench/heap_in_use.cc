// heap_in_use: see heap_in_use.h.
#include "heap_in_use.h"

#include <dlfcn.h>
#include <malloc.h>

namespace pipetrace::bench {
namespace {

// tcmalloc's C entry point, looked up at run time: the benchmark needs no
// link-time tie to one allocator, and a preloaded tcmalloc is found too.
using NumericProperty = int (*)(const char* property, std::size_t* value);

NumericProperty tcmalloc_property() {
  static const auto property =
      reinterpret_cast<NumericProperty>(dlsym(RTLD_DEFAULT, "MallocExtension_GetNumericProperty"));
  return property;
}

}  // namespace

std::size_t heap_in_use() {
  if (NumericProperty property = tcmalloc_property()) {
    std::size_t bytes = 0;
    if (property("generic.current_allocated_bytes", &bytes) != 0) return bytes;
  }
  return mallinfo2().uordblks;
}

std::string heap_allocator() { return tcmalloc_property() != nullptr ? "tcmalloc" : "glibc"; }

}  // namespace pipetrace::bench
