// Multiboot2 1.0 (the protocol GRUB's `multiboot2` command speaks), section 3.6 "Boot information".
#include "kernel/boot_info.hpp"
#include "kernel/direct_map.hpp"
#include "kernel/multiboot_string.hpp"

namespace realvm::kernel {

namespace {

struct Multiboot2Tag {
    u32 type, size;
};

enum class TagType : u32 {
    end = 0,
    command_line = 1,
    boot_loader_name = 2,
    module = 3,
    memory_map = 6,
    acpi_old_rsdp = 14,
    acpi_new_rsdp = 15,
};

struct Multiboot2ModuleTag {
    Multiboot2Tag tag;
    u32 mod_start, mod_end;
    char string[];
};

struct Multiboot2MmapTag {
    Multiboot2Tag tag;
    u32 entry_size, entry_version;
};

struct Multiboot2MmapEntry {
    u64 base_addr, length;
    u32 type, reserved;
};

// The tag's payload as a string: it is NUL-terminated inside the tag, but trust only the tag's size.
std::string_view tag_string(const Multiboot2Tag& tag, usize offset) {
    const char* text = reinterpret_cast<const char*>(&tag) + offset;
    const usize room = tag.size > offset ? tag.size - offset : 0;
    usize length = 0;
    while (length < room && text[length] != '\0')
        ++length;
    return {text, length};
}

} // namespace

std::optional<std::string_view> parse_multiboot2(HostPhys info_phys, BootInfo& info) {
    info.protocol = BootInfo::Protocol::Multiboot2;
    const u32 total_size = *phys_ptr<const u32>(info_phys);
    info.add_loader_range(info_phys, total_size);
    bool have_map = false;

    // Tags follow an 8-byte header, each 8-byte aligned; a tag of type 0 ends the list.
    for (u32 offset = 8; offset + sizeof(Multiboot2Tag) <= total_size;) {
        const auto& tag = *phys_ptr<const Multiboot2Tag>(info_phys + offset);
        if (tag.size < sizeof(Multiboot2Tag) || static_cast<TagType>(tag.type) == TagType::end) break;
        switch (static_cast<TagType>(tag.type)) {
        case TagType::command_line: info.command_line.assign(tag_string(tag, 8)); break;
        case TagType::boot_loader_name: info.loader_name.assign(tag_string(tag, 8)); break;
        case TagType::module: {
            const auto& m = reinterpret_cast<const Multiboot2ModuleTag&>(tag);
            if (BootModule* module = info.add_module(HostPhys(m.mod_start), HostPhys(m.mod_end)))
                module->set_command_line(tag_string(tag, sizeof(Multiboot2ModuleTag)));
            break;
        }
        case TagType::memory_map: {
            const auto& map = reinterpret_cast<const Multiboot2MmapTag&>(tag);
            if (map.entry_size < sizeof(Multiboot2MmapEntry)) break;
            for (u32 at = sizeof(Multiboot2MmapTag); at + map.entry_size <= tag.size; at += map.entry_size) {
                const auto& e =
                    *reinterpret_cast<const Multiboot2MmapEntry*>(reinterpret_cast<const u8*>(&tag) + at);
                info.add_region(HostPhys(e.base_addr), e.length, e820_memory_type(e.type));
            }
            have_map = info.region_count != 0;
            break;
        }
        case TagType::acpi_old_rsdp: // the ACPI 2.0 copy (tag 15) wins over the 1.0 one
            if (!info.acpi_rsdp) info.acpi_rsdp = info_phys + offset + sizeof(Multiboot2Tag);
            break;
        case TagType::acpi_new_rsdp: info.acpi_rsdp = info_phys + offset + sizeof(Multiboot2Tag); break;
        default: break;
        }
        offset += align_up(tag.size, 8);
    }
    if (!have_map) return "the Multiboot2 loader passed no memory map (no tag 6)";
    return std::nullopt;
}

} // namespace realvm::kernel
