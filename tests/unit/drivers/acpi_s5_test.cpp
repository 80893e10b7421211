// The \_S5_ byte-pattern search over AML (src/kernel/drivers/acpi_s5.hpp), on the host.
#include <gtest/gtest.h>

#include <vector>

#include "kernel/drivers/acpi_s5.hpp"

using namespace realvm;
using namespace realvm::kernel::drivers;

namespace {
std::optional<AcpiSleepType> search(const std::vector<u8>& aml) { return find_s5(std::span<const u8>(aml)); }
} // namespace

TEST(AcpiS5, QemuStylePackageOfZeros) {
    // Name (_S5, Package (0x04) {Zero, Zero, Zero, Zero}) as QEMU's DSDT has it, after other bytes.
    const auto s5 = search({0x10, 0x20, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00});
    ASSERT_TRUE(s5);
    EXPECT_EQ(s5->a, 0);
    EXPECT_EQ(s5->b, 0);
}

TEST(AcpiS5, RootPrefixAndBytePrefixValues) {
    // Name (\_S5, Package () {0x07, 0x05}) with BytePrefix constants.
    const auto s5 = search({0x08, '\\', '_', 'S', '5', '_', 0x12, 0x07, 0x02, 0x0A, 0x07, 0x0A, 0x05});
    ASSERT_TRUE(s5);
    EXPECT_EQ(s5->a, 7);
    EXPECT_EQ(s5->b, 5);
}

TEST(AcpiS5, TwoBytePkgLengthAndOneOp) {
    // PkgLength lead byte 0x40: one more length byte follows (ACPI §20.2.4).
    const auto s5 = search({0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x01, 0x02, 0x01, 0x0B, 0x06, 0x00});
    ASSERT_TRUE(s5);
    EXPECT_EQ(s5->a, 1);
    EXPECT_EQ(s5->b, 6);
}

TEST(AcpiS5, SkipsReferencesThatAreNotTheNamedPackage) {
    // A method call _S5_ () (no NameOp, no PackageOp) first, the real object later; a single-element
    // package gives SLP_TYPb = SLP_TYPa.
    const auto s5 = search(
        {0x14, 0x05, '_', 'S', '5', '_', 0x00, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A, 0x03});
    ASSERT_TRUE(s5);
    EXPECT_EQ(s5->a, 3);
    EXPECT_EQ(s5->b, 3);
}

TEST(AcpiS5, AbsentOrTruncated) {
    EXPECT_FALSE(search({}));
    EXPECT_FALSE(search({0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00}));
    EXPECT_FALSE(search({0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0A}));
}
