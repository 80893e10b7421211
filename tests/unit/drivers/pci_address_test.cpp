// Parsing PCI addresses as realvm.cfg and lspci write them (src/kernel/drivers/pci.hpp), on the host.
#include <gtest/gtest.h>

#include "kernel/drivers/pci.hpp"

using namespace realvm::kernel::drivers;

TEST(PciAddress, ParsesBusDeviceFunction) {
    EXPECT_EQ(parse_pci_address("00:1f.2"), (PciAddress{0x00, 0x1f, 2}));
    EXPECT_EQ(parse_pci_address("3:0.0"), (PciAddress{3, 0, 0}));
    EXPECT_EQ(parse_pci_address("FF:1F.7"), (PciAddress{0xff, 0x1f, 7}));
    EXPECT_EQ(parse_pci_address("0000:01:03.0"), (PciAddress{1, 3, 0}));
}

TEST(PciAddress, RejectsWhatMechanismOneCannotAddress) {
    EXPECT_FALSE(parse_pci_address(""));
    EXPECT_FALSE(parse_pci_address("00:20.0"));      // device 32
    EXPECT_FALSE(parse_pci_address("00:1f.8"));      // function 8
    EXPECT_FALSE(parse_pci_address("100:00.0"));     // bus 256
    EXPECT_FALSE(parse_pci_address("0001:00:00.0")); // another segment
    EXPECT_FALSE(parse_pci_address("00.1f:2"));
    EXPECT_FALSE(parse_pci_address("0g:00.0"));
    EXPECT_FALSE(parse_pci_address("00:1f"));
}
