// fw_cfg as SeaBIOS (src/fw/paravirt.c qemu_cfg_read_entry) and small test kernels read it.
// Expected values: QEMU docs/specs/fw_cfg.rst (selector 0x510 16-bit, data 0x511 8-bit; item keys).
#include "vmm/devices/fw_cfg.hpp"
#include "vmm/devices/test_exit.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
std::vector<u8> read_item(FwCfg& cfg, u16 key, usize length) {
    cfg.port_write(0x510, 2, key);
    std::vector<u8> bytes;
    for (usize i = 0; i < length; ++i)
        bytes.push_back(u8(cfg.port_read(0x511, 1)));
    return bytes;
}
u64 little_endian(const std::vector<u8>& b) {
    u64 v = 0;
    for (usize i = b.size(); i-- > 0;)
        v = v << 8 | b[i];
    return v;
}
} // namespace

TEST(FwCfg, SignatureIdCpusRamAndEmptyDirectory) {
    FwCfg cfg(256 * MiB, 2);
    EXPECT_EQ(read_item(cfg, 0x0000, 4), (std::vector<u8>{'Q', 'E', 'M', 'U'}));
    EXPECT_EQ(little_endian(read_item(cfg, 0x0001, 4)), 1u);             // traditional interface, no DMA
    EXPECT_EQ(little_endian(read_item(cfg, 0x0005, 2)), 2u);             // FW_CFG_NB_CPUS
    EXPECT_EQ(little_endian(read_item(cfg, 0x000f, 2)), 2u);             // FW_CFG_MAX_CPUS
    EXPECT_EQ(little_endian(read_item(cfg, 0x0003, 8)), 256 * MiB);      // FW_CFG_RAM_SIZE
    EXPECT_EQ(read_item(cfg, 0x0019, 4), (std::vector<u8>{0, 0, 0, 0})); // file count (big-endian)
    EXPECT_EQ(read_item(cfg, 0x0002, 16), std::vector<u8>(16, 0));
}

TEST(FwCfg, ReadsPastTheEndAndUnknownItemsGiveZero) {
    FwCfg cfg(64 * MiB, 1);
    EXPECT_EQ(read_item(cfg, 0x0000, 6), (std::vector<u8>{'Q', 'E', 'M', 'U', 0, 0}));
    EXPECT_EQ(read_item(cfg, 0x1234, 2), (std::vector<u8>{0, 0}));
    // Selecting again restarts at offset 0.
    EXPECT_EQ(read_item(cfg, 0x0000, 1), (std::vector<u8>{'Q'}));
}

TEST(TestExit, AWriteStopsTheVmWithItsValue) {
    fakes::FakeHost host;
    TestExit exit(host);
    exit.port_write(0xf4, 4, 0x31);
    ASSERT_EQ(host.stops.size(), 1u);
    EXPECT_EQ(host.stops[0], 0x31u);
}
