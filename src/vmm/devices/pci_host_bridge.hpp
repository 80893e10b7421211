// The VM's PCI host bridge (i440FX-like): configuration mechanism #1 at 0xcf8 (address, 32-bit
// accesses only) and 0xcfc-0xcff (data, any size), plus the PIIX3 reset control register at 0xcf9.
// The bridge knows only the functions attached to it: the VM's virtual devices and the real devices
// assigned to this VM. Every other address reads as all ones ("no device"), which is how other VMs'
// devices and the monitor's own stay hidden.
//
// References: PCI Local Bus Specification 3.0 §3.2.2.3.2 (configuration mechanism #1: enable bit 31,
// bus 23-16, device 15-11, function 10-8, register 7-2); Intel 82441FX (PMC) datasheet §3.1 (CONFADD/
// CONFDATA); PIIX3 datasheet, "RC - Reset Control Register (I/O 0CF9h)" (bit 2: reset CPU).
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/pci_address.hpp"
#include "vmm/devices/pci_function.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class PciHostBridge final : public PortDevice {
  public:
    static constexpr u16 address_port = 0xcf8;
    static constexpr u16 reset_control_port = 0xcf9;
    static constexpr u16 data_port = 0xcfc;
    static constexpr usize max_functions = 32;

    explicit PciHostBridge(MachineControl& machine) : machine_(machine) {}

    // Places a function at an address of the VM's PCI bus. Fails if taken or the table is full.
    bool attach(PciAddress address, PciFunction& function);
    bool detach(PciAddress address);
    PciFunction* find(PciAddress address) const;

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

  private:
    struct Slot {
        PciAddress address;
        PciFunction* function = nullptr;
    };
    PciFunction* selected(u16 port, u8 size, u16& offset) const;

    MachineControl& machine_;
    std::array<Slot, max_functions> slots_{};
    usize used_ = 0;
    u32 address_ = 0;
    u8 reset_control_ = 0;
};

} // namespace realvm::devices
