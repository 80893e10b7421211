// The virtual functions of an i440FX/PIIX3 PC, as QEMU's "pc" machine shows them and guests expect:
// 00:00.0 the 82441FX host bridge and 00:01.0 the PIIX3 PCI-to-ISA bridge (a multi-function device).
// References: Intel 82441FX PMC datasheet §3.2 (VID 8086, DID 1237, class 06 00 00, status 0280);
// Intel 82371SB PIIX3 datasheet §2.2 (function 0: DID 7000, class 06 01 00, header type 80, PIRQ route
// control 0x60-0x63 default 80h = routing disabled).
#pragma once

#include "vmm/devices/pci_address.hpp"
#include "vmm/devices/pci_function.hpp"

namespace realvm::devices {

constexpr PciAddress i440fx_host_bridge_address{0, 0, 0};
constexpr PciAddress piix3_isa_bridge_address{0, 1, 0};

VirtualPciFunction make_i440fx_host_bridge();
VirtualPciFunction make_piix3_isa_bridge();

} // namespace realvm::devices
