#include "vmm/devices/pci_address.hpp"

namespace realvm::devices {

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
