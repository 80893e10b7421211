// The VM's physical memory map as INT 15h E820h reports it (ACPI 6.5 §15, "System Address Map
// Interfaces"), built from the VM's memory size: conventional RAM up to the EBDA, the EBDA and the
// system ROM reserved, RAM from 1 MiB to the PCI hole, and the rest of RAM above 4 GiB.
#pragma once

#include "base/types.hpp"

namespace realvm::bios {

enum class E820Type : u32 { ram = 1, reserved = 2, acpi = 3, nvs = 4, unusable = 5 };

struct E820Entry {
    u64 base = 0;
    u64 length = 0;
    E820Type type = E820Type::ram;
};

struct MemoryMap {
    static constexpr usize capacity = 8;
    E820Entry entries[capacity] = {};
    usize count = 0;

    // KiB of RAM between 1 MiB and 16 MiB, and 64 KiB blocks from 16 MiB to the PCI hole (E801h).
    u32 kib_1m_to_16m = 0;
    u32 blocks_above_16m = 0;
};

// memory_bytes: the VM's RAM; pci_hole_start: RAM that would lie above it is placed above 4 GiB.
MemoryMap build_memory_map(u64 memory_bytes, u64 pci_hole_start);

} // namespace realvm::bios
