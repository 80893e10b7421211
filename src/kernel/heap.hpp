// The monitor's heap for operator new/delete (VMs, device sets, other monitor objects), on top of the
// physical memory manager: power-of-two size classes of 16 B to 2 KiB in one-page slabs, larger
// blocks as contiguous pages. Memory is reached through the direct map.
//
// `new T` never returns null: running out panics with the size asked for. Code that can handle
// failure (creating a VM from the configuration, say) uses `new (std::nothrow) T` and checks.
#pragma once

#include "base/types.hpp"

namespace realvm::kernel {

// Null when memory is exhausted. Alignment: 16 bytes for small blocks; 64 for large ones.
void* heap_allocate(usize size);
void heap_free(void* pointer);

struct HeapStats {
    u64 slab_pages = 0;   // pages holding small blocks (kept by the heap once taken)
    u64 large_pages = 0;  // pages of large blocks currently allocated
    u64 bytes_in_use = 0; // requested sizes of live blocks
    u64 live_blocks = 0;
};
const HeapStats& heap_stats();

} // namespace realvm::kernel
