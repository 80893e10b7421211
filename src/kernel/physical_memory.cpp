#include "kernel/physical_memory.hpp"

#include "kernel/direct_map.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel {

namespace {
// Real-mode IVT, BIOS data area, EBDA, VGA memory and option/BIOS ROMs all live below 1 MiB; the
// monitor never hands that out (it also keeps it for ISA-style tricks later).
constexpr u64 low_memory_end = 1 * MiB;
} // namespace

PhysicalMemory& physical_memory() {
    static PhysicalMemory memory;
    return memory;
}

void PhysicalMemory::init(const BootInfo& boot, PhysRange image) {
    for (const MemoryRegion& r : boot.memory_map()) {
        if (r.type != MemoryType::Available) continue;
        const u64 base = align_up(r.base.value(), page_size);
        // RAM beyond the direct map (PML4 slot 256) cannot be reached by the monitor: leave it out.
        const u64 end =
            align_down(r.end().value() < direct_map_size ? r.end().value() : direct_map_size, page_size);
        if (end > highest_ram_end_.value()) highest_ram_end_ = HostPhys(end);
        if (base >= end) continue;
        // Insert sorted and merged, as a free would; the map need not be sorted or disjoint, so first
        // take out whatever part an earlier entry already added.
        remove(base, end);
        free(HostPhys(base), end - base);
    }
    // Firmware maps may overlap: a byte any non-available entry claims is not RAM to hand out.
    for (const MemoryRegion& r : boot.memory_map())
        if (r.type != MemoryType::Available) remove(r.base.value(), r.end().value());
    ram_bytes_ = free_bytes_;

    reserve({HostPhys(0), low_memory_end}, "first MiB (BIOS, IVT, EBDA, VGA)");
    reserve(image, "monitor image");
    for (const BootModule& m : boot.modules())
        reserve(m.range, "boot module");
    for (const PhysRange& r : boot.loader_ranges())
        reserve(r, "boot loader data");
    usable_bytes_ = free_bytes_;
}

void PhysicalMemory::reserve(PhysRange range, std::string_view what) {
    if (range.size == 0) return;
    remove(align_down(range.base.value(), page_size), align_up(range.end().value(), page_size));
    // Merge consecutive reservations of one kind that touch (loader strings lie side by side).
    if (reservation_count_ != 0) {
        Reservation& last = reservations_[reservation_count_ - 1];
        if (last.what == what && align_up(last.range.end().value(), page_size) >= range.base.value() &&
            last.range.base <= range.base) {
            if (range.end() > last.range.end()) last.range.size = range.end() - last.range.base;
            return;
        }
    }
    if (reservation_count_ < max_reservations) reservations_[reservation_count_++] = {range, what};
}

bool PhysicalMemory::insert_at(usize index, Range range) {
    if (free_count_ == max_free_ranges) return false;
    for (usize i = free_count_; i > index; --i)
        free_[i] = free_[i - 1];
    free_[index] = range;
    ++free_count_;
    return true;
}

void PhysicalMemory::erase_at(usize index) {
    for (usize i = index; i + 1 < free_count_; ++i)
        free_[i] = free_[i + 1];
    --free_count_;
}

// Takes [base, end) out of the free ranges, splitting a range that contains it.
void PhysicalMemory::remove(u64 base, u64 end) {
    for (usize i = 0; i < free_count_;) {
        Range& r = free_[i];
        if (r.end <= base || r.base >= end) {
            ++i;
            continue;
        }
        const u64 cut_base = r.base > base ? r.base : base;
        const u64 cut_end = r.end < end ? r.end : end;
        free_bytes_ -= cut_end - cut_base;
        if (cut_base == r.base && cut_end == r.end) {
            erase_at(i);
        } else if (cut_base == r.base) {
            r.base = cut_end;
            ++i;
        } else if (cut_end == r.end) {
            r.end = cut_base;
            ++i;
        } else {
            const Range upper{cut_end, r.end};
            r.end = cut_base;
            if (!insert_at(i + 1, upper))
                lost_bytes_ += upper.end - upper.base, free_bytes_ -= upper.end - upper.base;
            i += 2;
        }
    }
}

void PhysicalMemory::free(HostPhys base_address, u64 size) {
    const u64 base = base_address.value();
    const u64 end = base + size;
    if (size == 0) return;
    usize i = 0;
    while (i < free_count_ && free_[i].end < base)
        ++i;
    // Now free_[i] (if any) is the first range that ends at or after `base`.
    if (i < free_count_ && free_[i].base <= end) {
        if (free_[i].base < end && free_[i].end > base)
            panic("physical memory: double free of {:x}-{:x}", base, end);
        if (free_[i].end == base) {
            free_[i].end = end;
            if (i + 1 < free_count_ && free_[i + 1].base == end) {
                free_[i].end = free_[i + 1].end;
                erase_at(i + 1);
            }
        } else {
            free_[i].base = base; // free_[i].base == end
        }
    } else if (!insert_at(i, {base, end})) {
        lost_bytes_ += size;
        return;
    }
    free_bytes_ += size;
}

std::optional<HostPhys> PhysicalMemory::allocate_page(HostPhys below) {
    for (usize i = free_count_; i-- > 0;) {
        const Range& r = free_[i];
        const u64 top = align_down(r.end < below.value() ? r.end : below.value(), page_size);
        if (top < r.base + page_size) continue;
        remove(top - page_size, top);
        return HostPhys(top - page_size);
    }
    return std::nullopt;
}

std::optional<HostPhys> PhysicalMemory::allocate(u64 size, u64 alignment, HostPhys below) {
    size = align_up(size, page_size);
    if (alignment < page_size) alignment = page_size;
    if (size == 0) return std::nullopt;
    for (usize i = 0; i < free_count_; ++i) {
        const u64 start = align_up(free_[i].base, alignment);
        const u64 limit = free_[i].end < below.value() ? free_[i].end : below.value();
        if (start >= limit || limit - start < size) continue;
        remove(start, start + size);
        return HostPhys(start);
    }
    return std::nullopt;
}

std::optional<HostPhys> PhysicalMemory::allocate_top(u64 size, u64 alignment) {
    size = align_up(size, page_size);
    if (alignment < page_size) alignment = page_size;
    if (size == 0) return std::nullopt;
    for (usize i = free_count_; i-- > 0;) {
        if (free_[i].end - free_[i].base < size) continue;
        const u64 start = align_down(free_[i].end - size, alignment);
        if (start < free_[i].base) continue;
        remove(start, start + size);
        return HostPhys(start);
    }
    return std::nullopt;
}

u64 PhysicalMemory::largest_free_range(u64 alignment) const {
    u64 best = 0;
    for (usize i = 0; i < free_count_; ++i) {
        const u64 start = align_up(free_[i].base, alignment);
        if (start < free_[i].end && free_[i].end - start > best) best = free_[i].end - start;
    }
    return best;
}

void PhysicalMemory::report() const {
    log("Physical memory: {} MiB usable, {} MiB free in {} ranges (largest {} MiB), RAM ends at {:x}\n",
        usable_bytes_ / MiB, free_bytes_ / MiB, free_count_, largest_free_range(page_size) / MiB,
        highest_ram_end_);
    for (usize i = 0; i < reservation_count_; ++i) {
        const Reservation& r = reservations_[i];
        log("  taken {:016x}-{:016x} {}\n", r.range.base, r.range.end().value() - 1, r.what);
    }
}

} // namespace realvm::kernel
