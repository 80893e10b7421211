#include "vmm/devices/mmio_bus.hpp"

#include "base/format.hpp"

namespace realvm::devices {

namespace {
constexpr u64 mask_for(u8 size) { return size >= 8 ? ~u64(0) : (u64(1) << (8 * size)) - 1; }
} // namespace

bool MmioBus::claim(GuestPhys base, u64 size, MmioDevice& device) {
    if (size == 0 || used_ == max_ranges || base.value() + size < base.value()) return false;
    for (usize i = 0; i < used_; ++i) {
        const Range& r = ranges_[i];
        if (base.value() < r.base + r.size && r.base < base.value() + size) return false;
    }
    ranges_[used_++] = Range{base.value(), size, &device};
    return true;
}

bool MmioBus::release(GuestPhys base) {
    for (usize i = 0; i < used_; ++i) {
        if (ranges_[i].base == base.value()) {
            ranges_[i] = ranges_[--used_];
            ranges_[used_] = Range{};
            return true;
        }
    }
    return false;
}

const MmioBus::Range* MmioBus::find(GuestPhys address) const {
    for (usize i = 0; i < used_; ++i) {
        if (address.value() - ranges_[i].base < ranges_[i].size) return &ranges_[i];
    }
    return nullptr;
}

void MmioBus::report_unclaimed(GuestPhys address, bool write) {
    const u64 page = address.value() / page_size;
    for (usize i = 0; i < reported_; ++i) {
        if (reported_pages_[i] == page) return;
    }
    if (reported_ == max_reported_pages) return; // enough said; stay quiet rather than flood the log
    reported_pages_[reported_++] = page;
    char line[96];
    log_.log(format_into(line, "first access to unclaimed MMIO page {:x} ({} at {:x})", page * page_size,
                         write ? "write" : "read", address.value()));
}

u64 MmioBus::read(GuestPhys address, u8 size) {
    const Range* range = find(address);
    if (!range) {
        report_unclaimed(address, false);
        return mask_for(size);
    }
    return range->device->mmio_read(address.value() - range->base, size) & mask_for(size);
}

void MmioBus::write(GuestPhys address, u8 size, u64 value) {
    const Range* range = find(address);
    if (!range) {
        report_unclaimed(address, true);
        return;
    }
    range->device->mmio_write(address.value() - range->base, size, value & mask_for(size));
}

} // namespace realvm::devices
