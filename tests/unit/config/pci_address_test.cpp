#include "vmm/config/pci_address.hpp"

#include <gtest/gtest.h>

using namespace realvm::config;

TEST(PciAddress, ParsesBusDeviceFunction) {
    const PciParseResult r = parse_pci_address("00:03.0");
    EXPECT_EQ(r.error, PciParseError::none);
    EXPECT_EQ(r.address, (PciAddress{0, 3, 0}));
    EXPECT_EQ(parse_pci_address("ff:1f.7").address, (PciAddress{0xff, 0x1f, 7}));
    EXPECT_EQ(parse_pci_address("Ab:1F.7").address, (PciAddress{0xab, 0x1f, 7}));
    EXPECT_EQ(parse_pci_address("1:2.3").address, (PciAddress{1, 2, 3}));
}

TEST(PciAddress, RejectsMalformed) {
    for (const char* text : {"", "00:03", "00.03:0", "0003.0", "00:03.", ":03.0", "00:.0", "zz:03.0",
                             "00:03.0.1", "0000:00:03.0", "00:03.0x"}) {
        EXPECT_EQ(parse_pci_address(text).error, PciParseError::malformed) << text;
    }
}

TEST(PciAddress, ChecksRanges) {
    EXPECT_EQ(parse_pci_address("100:00.0").error, PciParseError::bus_too_large);
    EXPECT_EQ(parse_pci_address("100:00.0").bad_value, 0x100u);
    EXPECT_EQ(parse_pci_address("00:20.0").error, PciParseError::device_too_large);
    EXPECT_EQ(parse_pci_address("00:20.0").bad_value, 0x20u);
    EXPECT_EQ(parse_pci_address("00:1f.8").error, PciParseError::function_too_large);
    EXPECT_EQ(parse_pci_address("00:1f.8").bad_value, 8u);
}
