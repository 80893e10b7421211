// The monitor's own page tables (DESIGN §3). They replace boot.S's tables: all RAM from the memory map
// (up to 512 GiB) in the direct map with the largest pages that fit, write-back and non-executable;
// the monitor text read-only and executable, its rodata read-only; the holes below 4 GiB (LAPIC,
// IOAPIC, PCI BARs, ROMs) uncached. Nothing is mapped below 0xffff800000000000: PML4 slots 0-255
// belong to the guests, the monitor uses slots 256-271.
#pragma once

#include <optional>

#include "base/types.hpp"
#include "kernel/boot_info.hpp"
#include "kernel/direct_map.hpp"

namespace realvm::kernel {

// Builds the tables, enables IA32_EFER.NXE, CR4.PGE and (where present) CR4.SMEP, and loads CR3.
// CR4.SMAP stays off: the monitor will read and write guest user pages directly (emulation, copying
// frames onto guest stacks), and STAC/CLAC around each access buys nothing while guests never map
// monitor memory. Panics if page tables cannot be allocated.
void init_paging(const BootInfo& boot);

// Makes [phys, phys+size) reachable uncached at phys_to_virt(phys) and returns that address. Below
// 4 GiB, non-RAM is already mapped uncached; above, the pages are mapped on demand. Panics when the
// range is RAM (mapping it uncached as well would create conflicting memory types, SDM 11.12.4).
HostVirt map_mmio(HostPhys phys, u64 size);

// Whether `virt` is mapped in the current address space (walks the live CR3; works with the boot
// tables too). Used by the exception dump before reading code bytes.
bool is_mapped(HostVirt virt, bool need_write = false);

// The monitor's own top-level table (what CR3 holds while no guest runs).
HostPhys monitor_page_table_root();
// A new, zeroed top-level table whose upper half (PML4 slots 256-511) points at the monitor's
// tables: the start of every other address space (shadow roots), in which the monitor stays mapped,
// supervisor-only, so that a trap lands in monitor code without a CR3 switch (DESIGN §3). Counted in
// paging_stats().table_pages until free_address_space_root().
HostPhys new_address_space_root();
// Frees a root from new_address_space_root() after its lower-half tables have been freed.
void free_address_space_root(HostPhys root);

struct PagingStats {
    u64 table_pages = 0;
    u64 pages_1g = 0, pages_2m = 0, pages_4k = 0;
    u64 mapped_bytes = 0;
    bool smep = false, global_pages = false;
};
const PagingStats& paging_stats();
void report_paging();

} // namespace realvm::kernel
