// The physical memory manager: the machine's free RAM as a sorted list of free ranges, built from the
// boot memory map minus everything already taken (first MiB, monitor image, boot modules, loader data,
// every non-available map entry). Single pages come from the top of memory, large contiguous ranges
// (VM partitions) from the bottom, so the two rarely fragment each other.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "base/types.hpp"
#include "kernel/boot_info.hpp"

namespace realvm::kernel {

class PhysicalMemory {
  public:
    static constexpr usize max_free_ranges = 256;
    static constexpr usize max_reservations = 48;
    static constexpr HostPhys anywhere{~u64(0)};

    // Available map regions (page-aligned inward) minus all the reservations named above; `image` is
    // the monitor image's physical range.
    void init(const BootInfo& boot, PhysRange image);

    // One zero-filled-by-nobody 4 KiB page below `below`, taken from the top of memory.
    std::optional<HostPhys> allocate_page(HostPhys below = anywhere);
    // `size` bytes aligned to `alignment` (a power of two, at least 4 KiB), the lowest that fits below
    // `below`; empty when no free range is large enough (say so with largest_free_range()).
    std::optional<HostPhys> allocate(u64 size, u64 alignment, HostPhys below = anywhere);
    // The same from the top of memory, for the monitor's own multi-page blocks (heap), which should not
    // cut into the low ranges VM partitions are taken from.
    std::optional<HostPhys> allocate_top(u64 size, u64 alignment);
    // Returns a page-aligned range to the pool (merged with its neighbours).
    void free(HostPhys base, u64 size);

    u64 ram_bytes() const { return ram_bytes_; }       // available in the memory map (direct-mappable)
    u64 usable_bytes() const { return usable_bytes_; } // free right after init
    u64 free_bytes() const { return free_bytes_; }
    u64 lost_bytes() const { return lost_bytes_; } // freed while the range list was full
    u64 largest_free_range(u64 alignment) const;
    HostPhys highest_ram_end() const { return highest_ram_end_; }
    void report() const;

  private:
    struct Range {
        u64 base, end;
    };
    struct Reservation {
        PhysRange range;
        std::string_view what;
    };

    void reserve(PhysRange range, std::string_view what);
    void remove(u64 base, u64 end);
    bool insert_at(usize index, Range range);
    void erase_at(usize index);

    std::array<Range, max_free_ranges> free_{};
    usize free_count_ = 0;
    std::array<Reservation, max_reservations> reservations_{};
    usize reservation_count_ = 0;
    u64 ram_bytes_ = 0;
    u64 usable_bytes_ = 0;
    u64 free_bytes_ = 0;
    u64 lost_bytes_ = 0;
    HostPhys highest_ram_end_{0};
};

PhysicalMemory& physical_memory();

} // namespace realvm::kernel
