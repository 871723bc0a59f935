// Bytes of heap the program holds, as whichever allocator it runs on
// reports them: tcmalloc's count of allocated bytes when tcmalloc is the
// allocator (linked in, or preloaded), else glibc's mallinfo2.
#pragma once

#include <cstddef>
#include <string>

namespace pipetrace::bench {

std::size_t heap_in_use();

// "tcmalloc" or "glibc": which of the two heap_in_use() asks.
std::string heap_allocator();

}  // namespace pipetrace::bench
