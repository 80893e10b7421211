#include "vmm/devices/pci_address.hpp"

namespace realvm::devices {

namespace {
std::optional<u32> hex(std::string_view digits, usize max_digits) {
    if (digits.empty() || digits.size() > max_digits) return std::nullopt;
    u32 value = 0;
    for (char c : digits) {
        u32 d;
        if (c >= '0' && c <= '9')
            d = u32(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = u32(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = u32(c - 'A' + 10);
        else
            return std::nullopt;
        value = value * 16 + d;
    }
    return value;
}
} // namespace

std::optional<PciAddress> PciAddress::parse(std::string_view text) {
    const usize first_colon = text.find(':');
    if (first_colon == std::string_view::npos) return std::nullopt;
    if (text.find(':', first_colon + 1) != std::string_view::npos) {
        const auto domain = hex(text.substr(0, first_colon), 4);
        if (!domain || *domain != 0) return std::nullopt;
        text.remove_prefix(first_colon + 1);
    }
    const usize colon = text.find(':');
    const usize dot = text.find('.');
    if (colon == std::string_view::npos || dot == std::string_view::npos || dot < colon) return std::nullopt;
    const auto bus = hex(text.substr(0, colon), 2);
    const auto device = hex(text.substr(colon + 1, dot - colon - 1), 2);
    const auto function = hex(text.substr(dot + 1), 1);
    if (!bus || !device || !function || *device > 31 || *function > 7) return std::nullopt;
    return PciAddress{u8(*bus), u8(*device), u8(*function)};
}

void PciAddress::format(char (&out)[8]) const {
    constexpr char digits[] = "0123456789abcdef";
    out[0] = digits[bus >> 4];
    out[1] = digits[bus & 15];
    out[2] = ':';
    out[3] = digits[device >> 4];
    out[4] = digits[device & 15];
    out[5] = '.';
    out[6] = digits[function & 7];
    out[7] = '\0';
}

} // namespace realvm::devices
