// Reading the loaders' NUL-terminated strings from physical memory, shared by both Multiboot parsers.
#pragma once

#include <string_view>

#include "kernel/boot_info.hpp"
#include "kernel/direct_map.hpp"

namespace realvm::kernel {

// The string at `where` (cut at 4 KiB so a missing terminator cannot run away); its bytes are recorded
// as loader data so the memory manager leaves them alone.
inline std::string_view read_boot_string(HostPhys where, BootInfo& info) {
    constexpr usize limit = 4096;
    const char* text = phys_ptr<const char>(where);
    usize length = 0;
    while (length < limit && text[length] != '\0')
        ++length;
    info.add_loader_range(where, length + 1);
    return {text, length};
}

MemoryType e820_memory_type(u32 type);

} // namespace realvm::kernel
