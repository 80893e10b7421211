// Multiboot 0.6.96 (the protocol QEMU's -kernel speaks), section 3.3 "Boot information format".
#include "kernel/boot_info.hpp"
#include "kernel/direct_map.hpp"
#include "kernel/multiboot_string.hpp"

namespace realvm::kernel {

namespace {

struct [[gnu::packed]] Multiboot1Info {
    u32 flags;
    u32 mem_lower, mem_upper;   // flags bit 0
    u32 boot_device;            // bit 1
    u32 cmdline;                // bit 2
    u32 mods_count, mods_addr;  // bit 3
    u32 syms[4];                // bit 4 or 5
    u32 mmap_length, mmap_addr; // bit 6
    u32 drives_length, drives_addr;
    u32 config_table;
    u32 boot_loader_name; // bit 9
};

struct [[gnu::packed]] Multiboot1Module {
    u32 mod_start, mod_end, string, reserved;
};

// Each entry is preceded by its size, which does not count the size field itself.
struct [[gnu::packed]] Multiboot1MmapEntry {
    u32 size;
    u64 base_addr, length;
    u32 type;
};

enum Flag : u32 {
    mem_sizes_valid = 1u << 0,
    cmdline_valid = 1u << 2,
    mods_valid = 1u << 3,
    mmap_valid = 1u << 6,
    loader_name_valid = 1u << 9
};

} // namespace

MemoryType e820_memory_type(u32 type) {
    switch (type) {
    case 1: return MemoryType::Available;
    case 3: return MemoryType::AcpiReclaimable;
    case 4: return MemoryType::AcpiNvs;
    case 5: return MemoryType::Defective;
    default: return MemoryType::Reserved;
    }
}

std::optional<std::string_view> parse_multiboot1(HostPhys info_phys, BootInfo& info) {
    info.protocol = BootInfo::Protocol::Multiboot1;
    const auto& mb = *phys_ptr<const Multiboot1Info>(info_phys);
    info.add_loader_range(info_phys, sizeof(Multiboot1Info));

    if (mb.flags & cmdline_valid) info.command_line.assign(read_boot_string(HostPhys(mb.cmdline), info));
    if (mb.flags & loader_name_valid)
        info.loader_name.assign(read_boot_string(HostPhys(mb.boot_loader_name), info));

    if (mb.flags & mods_valid) {
        info.add_loader_range(HostPhys(mb.mods_addr), mb.mods_count * sizeof(Multiboot1Module));
        const auto* mods = phys_ptr<const Multiboot1Module>(HostPhys(mb.mods_addr));
        for (u32 i = 0; i < mb.mods_count; ++i) {
            BootModule* module = info.add_module(HostPhys(mods[i].mod_start), HostPhys(mods[i].mod_end));
            if (module && mods[i].string)
                module->set_command_line(read_boot_string(HostPhys(mods[i].string), info));
        }
    }

    if (!(mb.flags & mmap_valid)) {
        // Without a map, the spec's mem_lower/mem_upper (flags bit 0) still say how much RAM lies
        // below 640 KiB and from 1 MiB on; anything else the firmware reserves is then unknown.
        if (!(mb.flags & mem_sizes_valid))
            return "the Multiboot loader passed no memory map (flags bits 0 and 6 clear)";
        info.add_region(HostPhys(0), u64(mb.mem_lower) * KiB, MemoryType::Available);
        info.add_region(HostPhys(1 * MiB), u64(mb.mem_upper) * KiB, MemoryType::Available);
        return std::nullopt;
    }
    info.add_loader_range(HostPhys(mb.mmap_addr), mb.mmap_length);
    for (u32 offset = 0; offset + sizeof(Multiboot1MmapEntry) <= mb.mmap_length;) {
        const auto& e = *phys_ptr<const Multiboot1MmapEntry>(HostPhys(mb.mmap_addr + offset));
        info.add_region(HostPhys(e.base_addr), e.length, e820_memory_type(e.type));
        offset += e.size + sizeof(e.size);
    }
    if (info.region_count == 0) return "the Multiboot memory map is empty";
    return std::nullopt;
}

} // namespace realvm::kernel
