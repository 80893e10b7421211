#include "vmm/config/pci_address.hpp"

namespace realvm::config {
namespace {

constexpr int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A hexadecimal field of 1..4 digits; returns false if empty, too long or not hex.
bool parse_hex_field(std::string_view text, u32& value) {
    if (text.empty() || text.size() > 4) return false;
    value = 0;
    for (char c : text) {
        const int d = hex_digit(c);
        if (d < 0) return false;
        value = value * 16 + static_cast<u32>(d);
    }
    return true;
}

} // namespace

PciParseResult parse_pci_address(std::string_view text) {
    PciParseResult result;
    const usize colon = text.find(':');
    const usize dot = text.find('.');
    if (colon == std::string_view::npos || dot == std::string_view::npos || dot < colon) {
        result.error = PciParseError::malformed;
        return result;
    }
    u32 bus = 0, device = 0, function = 0;
    if (!parse_hex_field(text.substr(0, colon), bus) ||
        !parse_hex_field(text.substr(colon + 1, dot - colon - 1), device) ||
        !parse_hex_field(text.substr(dot + 1), function)) {
        result.error = PciParseError::malformed;
        return result;
    }
    if (bus > 0xff) {
        result.error = PciParseError::bus_too_large;
        result.bad_value = bus;
    } else if (device > 0x1f) {
        result.error = PciParseError::device_too_large;
        result.bad_value = device;
    } else if (function > 7) {
        result.error = PciParseError::function_too_large;
        result.bad_value = function;
    } else {
        result.address = {static_cast<u8>(bus), static_cast<u8>(device), static_cast<u8>(function)};
    }
    return result;
}

} // namespace realvm::config
