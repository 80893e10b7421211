// A PCI bus/device/function address on a VM's bus, written "bb:dd.f" (hex) as lspci does. Parsing the
// configuration's `pci =` lines is config::parse_pci_address's job; the monitor converts.
#pragma once

#include "base/types.hpp"

namespace realvm::devices {

struct PciAddress {
    u8 bus = 0;
    u8 device = 0;   // 0-31
    u8 function = 0; // 0-7

    constexpr bool operator==(const PciAddress&) const = default;

    // Writes "bb:dd.f" and a NUL into `out` (8 bytes).
    void format(char (&out)[8]) const;
};

} // namespace realvm::devices
