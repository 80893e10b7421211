// 4-level paging structures (Intel SDM vol. 3A, 4.5 "4-Level Paging and 5-Level Paging", tables 4-15
// to 4-20): the entry bits the monitor sets, and the index of an address at each level.
#pragma once

#include "base/types.hpp"

namespace realvm::arch {

namespace pte {
constexpr u64 present = 1ull << 0;
constexpr u64 writable = 1ull << 1;
constexpr u64 user = 1ull << 2;
constexpr u64 write_through = 1ull << 3; // PWT
constexpr u64 cache_disable = 1ull << 4; // PCD; PCD+PWT selects PAT entry 3 = UC at reset (SDM 11.12.3)
constexpr u64 accessed = 1ull << 5;
constexpr u64 dirty = 1ull << 6;
constexpr u64 large = 1ull << 7; // PS: a 1 GiB (PDPTE) or 2 MiB (PDE) page
constexpr u64 global = 1ull << 8;
constexpr u64 no_execute = 1ull << 63; // needs IA32_EFER.NXE, else the bit is reserved
constexpr u64 address_mask = 0x000ffffffffff000;
} // namespace pte

constexpr unsigned page_table_entries = 512;
constexpr u64 page_size_4k = 4 * KiB, page_size_2m = 2 * MiB, page_size_1g = 1 * GiB;

// Level 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.
constexpr unsigned page_table_index(u64 virt, unsigned level) {
    return (virt >> (12 + 9 * (level - 1))) & 511;
}
constexpr u64 page_size_at(unsigned level) { return u64(1) << (12 + 9 * (level - 1)); }

} // namespace realvm::arch
