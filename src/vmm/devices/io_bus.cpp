#include "vmm/devices/io_bus.hpp"

#include "base/format.hpp"

namespace realvm::devices {

bool IoBus::claim(Port first, u16 count, PortDevice& device, u8 width) {
    if (count == 0 || used_ == max_ranges) return false;
    const u32 last = u32(first.value()) + count - 1;
    if (last > 0xffff) return false;
    for (usize i = 0; i < used_; ++i) {
        if (first.value() <= ranges_[i].last && ranges_[i].first <= last) return false;
    }
    ranges_[used_++] = Range{first.value(), u16(last), width, &device};
    return true;
}

bool IoBus::release(Port first, u16 count) {
    for (usize i = 0; i < used_; ++i) {
        if (ranges_[i].first == first.value() && ranges_[i].last == u32(first.value()) + count - 1) {
            ranges_[i] = ranges_[--used_];
            ranges_[used_] = Range{};
            return true;
        }
    }
    return false;
}

const IoBus::Range* IoBus::find(u16 port) const {
    for (usize i = 0; i < used_; ++i) {
        if (ranges_[i].first <= port && port <= ranges_[i].last) return &ranges_[i];
    }
    return nullptr;
}

void IoBus::report_unclaimed(u16 port, u8 size, bool write) {
    u64& word = reported_[port / 64];
    const u64 bit = u64(1) << (port % 64);
    if (word & bit) return;
    word |= bit;
    char line[96];
    log_.log(format_into(line, "first access to unclaimed port {:04x} ({} {} byte{})", port,
                         write ? "write" : "read", size, size == 1 ? "" : "s"));
}

u32 IoBus::read_piece(u16 port, u8 size) {
    const Range* range = find(port);
    if (!range) {
        report_unclaimed(port, size, false);
        return size_mask(size);
    }
    return range->device->port_read(port, size) & size_mask(size);
}

void IoBus::write_piece(u16 port, u8 size, u32 value) {
    const Range* range = find(port);
    if (!range) {
        report_unclaimed(port, size, true);
        return;
    }
    range->device->port_write(port, size, value & size_mask(size));
}

u32 IoBus::read(Port port, u8 size) {
    const Range* range = find(port.value());
    const u8 piece = range && range->width < size ? range->width : size;
    u32 value = 0;
    for (u8 done = 0; done < size; done = u8(done + piece)) {
        value |= read_piece(u16(port.value() + done), piece) << (8 * done);
    }
    return value;
}

void IoBus::write(Port port, u8 size, u32 value) {
    const Range* range = find(port.value());
    const u8 piece = range && range->width < size ? range->width : size;
    for (u8 done = 0; done < size; done = u8(done + piece)) {
        write_piece(u16(port.value() + done), piece, (value >> (8 * done)) & size_mask(piece));
    }
}

void IoBus::read_string(Port port, u8 size, u8* data, usize count) {
    for (usize i = 0; i < count; ++i) {
        const u32 value = read(port, size);
        for (u8 b = 0; b < size; ++b)
            data[i * size + b] = u8(value >> (8 * b));
    }
}

void IoBus::write_string(Port port, u8 size, const u8* data, usize count) {
    for (usize i = 0; i < count; ++i) {
        u32 value = 0;
        for (u8 b = 0; b < size; ++b)
            value |= u32(data[i * size + b]) << (8 * b);
        write(port, size, value);
    }
}

} // namespace realvm::devices
