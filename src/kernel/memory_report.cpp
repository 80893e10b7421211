#include "kernel/memory_report.hpp"

#include "kernel/heap.hpp"
#include "kernel/log.hpp"
#include "kernel/monitor_image.hpp"
#include "kernel/paging.hpp"
#include "kernel/per_cpu.hpp"
#include "kernel/physical_memory.hpp"

namespace realvm::kernel {

void report_memory() {
    const u64 image = image_whole().size();
    log("Monitor image: {} KiB (text {} KiB, rodata {} KiB, data {} KiB, bss {} KiB)\n", image / KiB,
        image_text().size() / KiB, image_rodata().size() / KiB, image_data().size() / KiB,
        image_bss().size() / KiB);

    const u64 tables = paging_stats().table_pages * page_size;
    const HeapStats& heap = heap_stats();
    const u64 heap_bytes = (heap.slab_pages + heap.large_pages) * page_size;
    const u64 stacks = cpu_stack_stats().bytes; // inside the image's bss, not counted twice
    const PhysicalMemory& pm = physical_memory();
    const u64 used = image + tables + heap_bytes;
    log("Monitor memory: {} KiB (image {} KiB incl. {} KiB stacks, page tables {} KiB, heap {} KiB with "
        "{} B in {} blocks)\n",
        used / KiB, image / KiB, stacks / KiB, tables / KiB, heap_bytes / KiB, heap.bytes_in_use,
        heap.live_blocks);
    log("Free memory: {} MiB of {} MiB RAM (largest contiguous 2M-aligned block {} MiB)\n",
        pm.free_bytes() / MiB, pm.ram_bytes() / MiB, pm.largest_free_range(2 * MiB) / MiB);
}

} // namespace realvm::kernel
