#include "vmm/devices/pci_passthrough.hpp"

namespace realvm::devices {

AssignedPciFunction::AssignedPciFunction(PciAddress real, PciPassthroughBackend& backend)
    : real_(real), backend_(backend) {
    for (u8 i = 0; i < 6; ++i) {
        const PciBar bar = backend_.bar(real_, i);
        bars_[i] = bar;
        if (!bar.size) continue;
        // §6.2.5.1 type bits: I/O bit 0; memory bits 2-1 = 10 for 64-bit, bit 3 prefetchable.
        const u32 type = bar.io ? 0x1u : ((bar.is_64bit ? 0x4u : 0u) | (bar.prefetchable ? 0x8u : 0u));
        bar_values_[i] = u32(bar.base) | type;
        if (bar.is_64bit && i < 5) {
            bar_values_[i + 1] = u32(bar.base >> 32);
            bars_[i + 1] = PciBar{}; // the upper half is handled with the lower one
            ++i;
        }
    }
    interrupt_line_ = u8(backend_.read_config(real_, pci::interrupt_line, 1));
}

u64 AssignedPciFunction::guest_bar_base(u8 index) const {
    const PciBar& bar = bars_[index];
    const u32 low = bar_values_[index] & (bar.io ? ~0x3u : ~0xfu);
    const u64 high = bar.is_64bit && index < 5 ? u64(bar_values_[index + 1]) << 32 : 0;
    return high | low;
}

u32 AssignedPciFunction::read_dword(u16 offset) {
    if (offset >= pci::bar0 && offset < pci::bar0 + 24) return bar_values_[(offset - pci::bar0) / 4];
    switch (offset) {
    case pci::command: // hide the capability list: its MSI/MSI-X registers are not filtered
        return backend_.read_config(real_, offset, 4) & ~(u32(pci::status_capabilities) << 16);
    case pci::expansion_rom:
    case pci::capabilities: return 0;
    case pci::interrupt_line: return (backend_.read_config(real_, offset, 4) & ~0xffu) | interrupt_line_;
    default: return backend_.read_config(real_, offset, 4);
    }
}

u32 AssignedPciFunction::config_read(u16 offset, u8 size) {
    const u32 dword = read_dword(u16(offset & ~3));
    const u32 mask = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return (dword >> (8 * (offset & 3))) & mask;
}

void AssignedPciFunction::write_bar(unsigned index, u32 value, u32 byte_mask) {
    // Which BAR this slot belongs to: the upper half of a 64-bit BAR follows its lower half.
    const bool upper = index > 0 && bars_[index - 1].is_64bit;
    const unsigned owner = upper ? index - 1 : index;
    const PciBar& bar = bars_[owner];
    if (!bar.size) return; // unimplemented BARs are hardwired to 0
    u32 merged = (bar_values_[index] & ~byte_mask) | (value & byte_mask);
    if (upper) {
        const u64 size_mask_high = ~((bar.size - 1) >> 32);
        merged &= u32(size_mask_high);
    } else {
        const u32 type_bits = bar.io ? 0x3u : 0xfu;
        const u32 keep = bar_values_[index] & type_bits;
        merged = (merged & u32(~(bar.size - 1)) & ~type_bits) | keep;
    }
    bar_values_[index] = merged;
    backend_.bar_moved(real_, u8(owner), guest_bar_base(u8(owner)));
}

void AssignedPciFunction::config_write(u16 offset, u8 size, u32 value) {
    const u16 dword = u16(offset & ~3);
    const unsigned shift = 8 * (offset & 3);
    const u32 mask = (size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1) << shift;
    const u32 v = value << shift;
    if (dword >= pci::bar0 && dword < pci::bar0 + 24) {
        write_bar((dword - pci::bar0) / 4, v, mask);
        return;
    }
    switch (dword) {
    case pci::command: {
        if (mask & 0xffff) {
            const u16 real = u16(backend_.read_config(real_, pci::command, 2));
            const u16 wanted =
                u16((real & ~(mask & pci::command_writable)) | (v & mask & pci::command_writable));
            backend_.write_config(real_, pci::command, 2, wanted);
        }
        if (mask & 0xffff0000u) {
            const u16 clear = u16((v & mask) >> 16) & pci::status_write_one_to_clear;
            if (clear) backend_.write_config(real_, pci::status, 2, clear);
        }
        return;
    }
    case pci::cache_line: // cache line size and latency timer only; BIST stays untouched
        if (mask & 0x0000ffffu) {
            for (unsigned b = 0; b < 2; ++b) {
                if (mask & (0xffu << (8 * b)))
                    backend_.write_config(real_, u16(pci::cache_line + b), 1, (v >> (8 * b)) & 0xff);
            }
        }
        return;
    case pci::interrupt_line:
        if (mask & 0xff) interrupt_line_ = u8(v);
        return;
    default: return; // everything else is the monitor's business, not the guest's
    }
}

} // namespace realvm::devices
