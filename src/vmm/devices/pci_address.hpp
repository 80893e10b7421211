// A PCI bus/device/function address, written "bb:dd.f" (hex) as lspci and realvm.cfg's `pci =` do.
#pragma once

#include <optional>
#include <string_view>

#include "base/types.hpp"

namespace realvm::devices {

struct PciAddress {
    u8 bus = 0;
    u8 device = 0;   // 0-31
    u8 function = 0; // 0-7

    constexpr bool operator==(const PciAddress&) const = default;

    // "00:03.0" or with a domain, "0000:00:03.0" (domain 0 only).
    static std::optional<PciAddress> parse(std::string_view text);
    // Writes "bb:dd.f" and a NUL into `out` (8 bytes).
    void format(char (&out)[8]) const;
};

} // namespace realvm::devices
