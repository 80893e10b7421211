// What the boot loader told the monitor, in one neutral form for Multiboot 1 and Multiboot 2.
// Everything is copied out of the loader's structures, so nothing here points into them.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "base/types.hpp"

namespace realvm::kernel {

// A fixed-capacity string copied from boot-loader memory (longer strings are cut, and say so).
template <usize Capacity>
class BootString {
  public:
    void assign(std::string_view text) {
        truncated_ = text.size() > Capacity;
        length_ = truncated_ ? Capacity : text.size();
        for (usize i = 0; i < length_; ++i)
            text_[i] = text[i];
    }
    std::string_view view() const { return {text_.data(), length_}; }
    bool truncated() const { return truncated_; }

  private:
    std::array<char, Capacity> text_{};
    usize length_ = 0;
    bool truncated_ = false;
};

// Memory types of the BIOS E820 map, which both Multiboot versions pass through (ACPI 6.4, 15.1).
enum class MemoryType : u8 { Available, Reserved, AcpiReclaimable, AcpiNvs, Defective };

std::string_view memory_type_name(MemoryType type);

struct MemoryRegion {
    HostPhys base;
    u64 size;
    MemoryType type;
    HostPhys end() const { return base + size; }
};

// A physical range the loader's data occupies; the memory manager keeps these out of its free pool.
struct PhysRange {
    HostPhys base;
    u64 size;
    HostPhys end() const { return base + size; }
};

// A boot module: its command line is "PATH [WORDS...]" (QEMU) or "NAME [WORDS...]" (GRUB); the
// module's name is the basename of the first word (see briefs/monitor-protocol.md).
class BootModule {
  public:
    PhysRange range;

    void set_command_line(std::string_view line) { command_line_.assign(line); }
    std::string_view command_line() const { return command_line_.view(); }
    std::string_view name() const;
    // The words after the first, as one string ("config" marks the configuration file).
    std::string_view words() const;
    bool has_word(std::string_view word) const;

  private:
    BootString<256> command_line_;
};

struct BootInfo {
    static constexpr usize max_regions = 128;
    static constexpr usize max_modules = 32;
    static constexpr usize max_loader_ranges = 8 + max_modules;

    enum class Protocol : u8 { Multiboot1, Multiboot2 };
    Protocol protocol = Protocol::Multiboot1;
    BootString<512> command_line;
    BootString<64> loader_name;

    std::array<MemoryRegion, max_regions> region_storage{};
    usize region_count = 0;
    bool regions_dropped = false; // the map had more entries than fit

    std::array<BootModule, max_modules> module_storage{};
    usize module_count = 0;
    bool modules_dropped = false;

    // Where the loader's own structures lie (info block, strings, module list), still in use while
    // the monitor boots and kept out of the free pool.
    std::array<PhysRange, max_loader_ranges> loader_range_storage{};
    usize loader_range_count = 0;

    // The ACPI RSDP copy Multiboot 2 may hand over (tags 14/15); it lies inside the info block.
    std::optional<HostPhys> acpi_rsdp;

    std::span<const MemoryRegion> memory_map() const { return {region_storage.data(), region_count}; }
    std::span<const BootModule> modules() const { return {module_storage.data(), module_count}; }
    std::span<const PhysRange> loader_ranges() const {
        return {loader_range_storage.data(), loader_range_count};
    }
    const BootModule* find_module(std::string_view name) const;

    void add_region(HostPhys base, u64 size, MemoryType type);
    BootModule* add_module(HostPhys start, HostPhys end);
    void add_loader_range(HostPhys base, u64 size);
};

// Fills `info` from the register values boot.S received; returns an error text when the loader gave
// nothing usable (wrong magic, no memory map): the monitor cannot manage memory without a map.
std::optional<std::string_view> parse_multiboot(u32 magic, u32 info_phys, BootInfo& info);
std::optional<std::string_view> parse_multiboot1(HostPhys info_phys, BootInfo& info);
std::optional<std::string_view> parse_multiboot2(HostPhys info_phys, BootInfo& info);

void report_boot_info(const BootInfo& info);

} // namespace realvm::kernel
