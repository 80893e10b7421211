#include "vmm/devices/pci_function.hpp"

namespace realvm::devices {

VirtualPciFunction::VirtualPciFunction(u16 vendor, u16 device, u8 base_class, u8 sub_class, u8 prog_if,
                                       u8 revision, u8 header_type) {
    preset(pci::vendor_id, 2, vendor);
    preset(pci::device_id, 2, device);
    preset(pci::revision, 1, revision);
    preset(pci::class_code, 1, prog_if);
    preset(pci::class_code + 1, 1, sub_class);
    preset(pci::class_code + 2, 1, base_class);
    preset(pci::header_type, 1, header_type);
    for (u16 i = 0; i < 2; ++i) {
        writable_[pci::command + i] = u8(pci::command_writable >> (8 * i));
        write_one_to_clear_[pci::status + i] = u8(pci::status_write_one_to_clear >> (8 * i));
    }
    writable_[pci::cache_line] = 0xff;
    writable_[pci::latency_timer] = 0xff;
    writable_[pci::interrupt_line] = 0xff;
}

void VirtualPciFunction::preset(u16 offset, u8 size, u32 value) {
    for (u8 i = 0; i < size; ++i)
        config_[(offset + i) & 0xff] = u8(value >> (8 * i));
}

void VirtualPciFunction::allow_writes(u16 offset, u16 size) {
    for (u16 i = 0; i < size && offset + i < 256; ++i)
        writable_[offset + i] = 0xff;
}

void VirtualPciFunction::define_bar(u8 index, u32 size, bool io, bool prefetchable) {
    bar_size_[index] = size;
    preset(u16(pci::bar0 + 4 * index), 4, io ? 0x1u : (prefetchable ? 0x8u : 0x0u));
}

u32 VirtualPciFunction::config_read(u16 offset, u8 size) {
    u32 value = 0;
    for (u8 i = 0; i < size; ++i)
        value |= u32(config_[(offset + i) & 0xff]) << (8 * i);
    return value;
}

void VirtualPciFunction::config_write(u16 offset, u8 size, u32 value) {
    for (u8 i = 0; i < size; ++i) {
        const u16 at = u16((offset + i) & 0xff);
        const u8 byte = u8(value >> (8 * i));
        if (at >= pci::bar0 && at < pci::bar0 + 24) {
            // §6.2.5.1: the low bits of a BAR are hardwired (type bits, and zeros below the size),
            // so writing all ones reads back the size mask.
            const unsigned bar = (at - pci::bar0) / 4;
            if (!bar_size_[bar]) continue;
            const u32 type_bits = (config_[pci::bar0 + 4 * bar] & 1) ? 0x3 : 0xf;
            const u32 mask = ~(bar_size_[bar] - 1) & ~type_bits;
            const u8 byte_mask = u8(mask >> (8 * (at & 3)));
            config_[at] = u8((config_[at] & ~byte_mask) | (byte & byte_mask));
            continue;
        }
        config_[at] = u8((config_[at] & ~writable_[at]) | (byte & writable_[at]));
        config_[at] = u8(config_[at] & ~(byte & write_one_to_clear_[at]));
    }
}

} // namespace realvm::devices
