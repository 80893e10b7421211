#include "kernel/boot_info.hpp"

#include "kernel/log.hpp"

namespace realvm::kernel {

namespace {
constexpr u32 multiboot1_loader_magic = 0x2BADB002; // Multiboot 0.6.96, 3.2
constexpr u32 multiboot2_loader_magic = 0x36D76289; // Multiboot2 1.0, 3.3
} // namespace

std::string_view memory_type_name(MemoryType type) {
    switch (type) {
    case MemoryType::Available: return "available";
    case MemoryType::Reserved: return "reserved";
    case MemoryType::AcpiReclaimable: return "ACPI reclaimable";
    case MemoryType::AcpiNvs: return "ACPI NVS";
    case MemoryType::Defective: return "defective";
    }
    return "?";
}

std::string_view BootModule::name() const {
    std::string_view line = command_line();
    const usize first_end = line.find(' ');
    std::string_view first = line.substr(0, first_end);
    const usize slash = first.rfind('/');
    return slash == std::string_view::npos ? first : first.substr(slash + 1);
}

std::string_view BootModule::words() const {
    std::string_view line = command_line();
    const usize space = line.find(' ');
    if (space == std::string_view::npos) return {};
    line.remove_prefix(space);
    while (!line.empty() && line.front() == ' ')
        line.remove_prefix(1);
    return line;
}

bool BootModule::has_word(std::string_view word) const {
    std::string_view rest = words();
    while (!rest.empty()) {
        const usize space = rest.find(' ');
        if (rest.substr(0, space) == word) return true;
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    return false;
}

const BootModule* BootInfo::find_module(std::string_view name) const {
    for (const BootModule& module : modules())
        if (module.name() == name) return &module;
    return nullptr;
}

void BootInfo::add_region(HostPhys base, u64 size, MemoryType type) {
    if (size == 0) return;
    if (region_count == max_regions) {
        regions_dropped = true;
        return;
    }
    region_storage[region_count++] = {base, size, type};
}

BootModule* BootInfo::add_module(HostPhys start, HostPhys end) {
    if (module_count == max_modules) {
        modules_dropped = true;
        return nullptr;
    }
    BootModule& module = module_storage[module_count++];
    module.range = {start, end > start ? end - start : 0};
    return &module;
}

void BootInfo::add_loader_range(HostPhys base, u64 size) {
    if (size == 0 || loader_range_count == max_loader_ranges) return;
    loader_range_storage[loader_range_count++] = {base, size};
}

std::optional<std::string_view> parse_multiboot(u32 magic, u32 info_phys, BootInfo& info) {
    if (magic == multiboot1_loader_magic) return parse_multiboot1(HostPhys(info_phys), info);
    if (magic == multiboot2_loader_magic) return parse_multiboot2(HostPhys(info_phys), info);
    return "not started by a Multiboot loader (bad magic in EAX)";
}

void report_boot_info(const BootInfo& info) {
    log("Boot loader: {} ({})\n", info.loader_name.view().empty() ? "unknown" : info.loader_name.view(),
        info.protocol == BootInfo::Protocol::Multiboot1 ? "Multiboot" : "Multiboot2");
    log("Command line: \"{}\"{}\n", info.command_line.view(), info.command_line.truncated() ? " (cut)" : "");
    log("Memory map ({} entries):\n", info.region_count);
    for (const MemoryRegion& r : info.memory_map())
        log("  {:016x}-{:016x} {:10} KiB {}\n", r.base, r.end().value() - 1, r.size / KiB,
            memory_type_name(r.type));
    if (info.regions_dropped) log("  (more entries than the monitor keeps: the rest are ignored)\n");
    log("Boot modules: {}\n", info.module_count);
    for (const BootModule& m : info.modules())
        log("  {:<20} {:08x}-{:08x} {:8} bytes  \"{}\"\n", m.name(), m.range.base, m.range.end(),
            m.range.size, m.command_line());
    if (info.modules_dropped) log("  (more modules than the monitor keeps: the rest are ignored)\n");
}

} // namespace realvm::kernel
