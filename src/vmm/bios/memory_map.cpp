#include "vmm/bios/memory_map.hpp"

#include "vmm/bios/layout.hpp"

namespace realvm::bios {

MemoryMap build_memory_map(u64 memory_bytes, u64 pci_hole_start) {
    MemoryMap map;
    auto add = [&](u64 base, u64 end, E820Type type) {
        if (end > base && map.count < MemoryMap::capacity)
            map.entries[map.count++] = {base, end - base, type};
    };
    const u64 low_end = memory_bytes < ebda_base ? memory_bytes : ebda_base;
    add(0, low_end, E820Type::ram);
    add(ebda_base, conventional_end, E820Type::reserved);
    add(bios_rom_base, high_memory, E820Type::reserved);
    const u64 below_hole = memory_bytes < pci_hole_start ? memory_bytes : pci_hole_start;
    add(high_memory, below_hole, E820Type::ram);
    if (memory_bytes > pci_hole_start) add(4 * GiB, 4 * GiB + (memory_bytes - pci_hole_start), E820Type::ram);

    const u64 to_16m = below_hole < 16 * MiB ? below_hole : 16 * MiB;
    map.kib_1m_to_16m = to_16m > high_memory ? u32((to_16m - high_memory) / KiB) : 0;
    map.blocks_above_16m = below_hole > 16 * MiB ? u32((below_hole - 16 * MiB) / (64 * KiB)) : 0;
    return map;
}

} // namespace realvm::bios
