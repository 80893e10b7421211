#include "vmm/devices/pci_host_bridge.hpp"

namespace realvm::devices {

bool PciHostBridge::attach(PciAddress address, PciFunction& function) {
    if (used_ == max_functions || find(address)) return false;
    slots_[used_++] = Slot{address, &function};
    return true;
}

bool PciHostBridge::detach(PciAddress address) {
    for (usize i = 0; i < used_; ++i) {
        if (slots_[i].address == address) {
            slots_[i] = slots_[--used_];
            slots_[used_] = Slot{};
            return true;
        }
    }
    return false;
}

PciFunction* PciHostBridge::find(PciAddress address) const {
    for (usize i = 0; i < used_; ++i) {
        if (slots_[i].address == address) return slots_[i].function;
    }
    return nullptr;
}

PciFunction* PciHostBridge::selected(u16 port, u8 size, u16& offset) const {
    if (!(address_ & 0x80000000u)) return nullptr; // configuration cycles disabled
    offset = u16((address_ & 0xfc) + (port - data_port));
    if (offset % size != 0 || (offset & 3) + size > 4) return nullptr; // crosses the dword
    const PciAddress address{u8(address_ >> 16), u8((address_ >> 11) & 0x1f), u8((address_ >> 8) & 7)};
    return find(address);
}

u32 PciHostBridge::port_read(u16 port, u8 size) {
    if (port == address_port && size == 4) return address_;
    if (port == reset_control_port && size == 1) return reset_control_;
    if (port < data_port) return 0xffffffffu; // other accesses to 0xcf8-0xcfb are not config cycles
    u16 offset = 0;
    PciFunction* function = selected(port, size, offset);
    return function ? function->config_read(offset, size) : 0xffffffffu; // master abort: all ones
}

void PciHostBridge::port_write(u16 port, u8 size, u32 value) {
    if (port == address_port && size == 4) {
        address_ = value & 0x80fffffcu; // reserved bits 30-24 and 1-0 read as 0
        return;
    }
    if (port == reset_control_port && size == 1) {
        // A 0 -> 1 transition of bit 2 (RCPU) resets; bit 1 (SRST) makes it a full system reset.
        const bool reset = (value & 0x04) && !(reset_control_ & 0x04);
        reset_control_ = u8(value & 0x02);
        if (reset) machine_.reset_requested((value & 0x02) ? ResetKind::system : ResetKind::cpu);
        return;
    }
    if (port < data_port) return;
    u16 offset = 0;
    if (PciFunction* function = selected(port, size, offset)) function->config_write(offset, size, value);
}

} // namespace realvm::devices
