// A PCI function as the configuration names it: "BUS:DEV.FN" in hexadecimal, e.g. 00:03.0 (the form
// lspci prints). Limits from the configuration-address layout, PCI Local Bus Spec 3.0 §3.2.2.3.2:
// 8-bit bus, 5-bit device, 3-bit function.
#pragma once

#include <string_view>

#include "base/types.hpp"

namespace realvm::config {

struct PciAddress {
    u8 bus = 0;
    u8 device = 0;
    u8 function = 0;
    constexpr bool operator==(const PciAddress&) const = default;
};

enum class PciParseError : u8 {
    none,
    malformed,          // not BUS:DEV.FN
    bus_too_large,      // above ff
    device_too_large,   // above 1f
    function_too_large, // above 7
};

struct PciParseResult {
    PciAddress address;
    PciParseError error = PciParseError::none;
    u32 bad_value = 0; // the out-of-range number for the *_too_large errors
};

PciParseResult parse_pci_address(std::string_view text);

} // namespace realvm::config
