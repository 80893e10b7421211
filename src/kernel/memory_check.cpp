#include "kernel/memory_check.hpp"

#include <new>

#include "kernel/direct_map.hpp"
#include "kernel/heap.hpp"
#include "kernel/log.hpp"
#include "kernel/paging.hpp"
#include "kernel/physical_memory.hpp"

namespace realvm::kernel {

namespace {

constexpr u64 partition_alignment = 2 * MiB;

// What a VM partition allocation reports when the memory is not there.
void explain_refusal(u64 size) {
    log("  a {} MiB partition is refused: largest free 2 MiB-aligned block is {} MiB\n", size / MiB,
        physical_memory().largest_free_range(partition_alignment) / MiB);
}

void check_partition() {
    PhysicalMemory& pm = physical_memory();
    const u64 free_before = pm.free_bytes();
    u64 size = 256 * MiB;
    while (size > partition_alignment && pm.largest_free_range(partition_alignment) < size)
        size /= 2;
    const std::optional<HostPhys> partition = pm.allocate(size, partition_alignment);
    if (!partition)
        panic("memory check: no {} MiB partition although the largest block is big enough", size / MiB);
    if (!partition->is_aligned(partition_alignment))
        panic("memory check: partition {:x} is not 2 MiB aligned", *partition);
    volatile u64* first = phys_ptr<volatile u64>(*partition);
    volatile u64* last = phys_ptr<volatile u64>(*partition + size - 8);
    *first = 0x5245414c564d3031;
    *last = ~u64(0x5245414c564d3031);
    if (*first != 0x5245414c564d3031 || *last != ~u64(0x5245414c564d3031))
        panic("memory check: partition at {:x} does not keep what is written", *partition);
    pm.free(*partition, size);
    if (pm.free_bytes() != free_before) panic("memory check: free memory changed by an allocate/free pair");
    log("Memory check: {} MiB partition at {:x} allocated, written, freed\n", size / MiB, *partition);

    const u64 impossible = pm.ram_bytes() + 1 * GiB;
    if (pm.allocate(impossible, partition_alignment))
        panic("memory check: {} MiB allocated beyond RAM", impossible / MiB);
    explain_refusal(impossible);
}

void check_heap() {
    const HeapStats before = heap_stats();
    struct Small {
        u64 words[5];
    };
    Small* small = new Small{};
    auto* large = new (std::nothrow) u8[64 * KiB];
    if (!large || reinterpret_cast<u64>(large) % 64 != 0)
        panic("memory check: large heap block {} is bad", large);
    large[0] = 1, large[64 * KiB - 1] = 2;
    delete small;
    delete[] large;
    const HeapStats& after = heap_stats();
    if (after.live_blocks != before.live_blocks || after.bytes_in_use != before.bytes_in_use ||
        after.large_pages != before.large_pages)
        panic("memory check: heap blocks leaked by new/delete");
}

// MMIO below 4 GiB is mapped already (the LAPIC's default base, SDM vol. 3A, 11.4.1); above the RAM,
// pages are mapped on demand. Nothing is read: there may be no device behind either address.
void check_mmio() {
    constexpr HostPhys lapic_default{0xFEE00000};
    const u64 tables_before = paging_stats().table_pages;
    if (map_mmio(lapic_default, page_size) != phys_to_virt(lapic_default) ||
        paging_stats().table_pages != tables_before)
        panic("memory check: the LAPIC page was not already mapped uncached");
    const HostPhys high = physical_memory().highest_ram_end().align_up(GiB) + 4 * GiB;
    if (is_mapped(phys_to_virt(high))) panic("memory check: {:x} is mapped before map_mmio", high);
    map_mmio(high, 2 * page_size);
    if (!is_mapped(phys_to_virt(high)) || !is_mapped(phys_to_virt(high + page_size)))
        panic("memory check: map_mmio({:x}) did not map", high);
    log("  map_mmio: {:x} (LAPIC) already uncached; {:x} mapped on demand\n", lapic_default, high);
}

} // namespace

void check_memory_services() {
    check_partition();
    check_heap();
    check_mmio();
}

} // namespace realvm::kernel
