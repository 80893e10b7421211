#include "vmm/devices/io_bus.hpp"
#include "vmm/devices/mmio_bus.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
struct Recorder final : PortDevice {
    struct Access {
        u16 port;
        u8 size;
        u32 value;
    };
    std::vector<Access> writes;
    std::vector<Access> reads;
    u32 port_read(u16 port, u8 size) override {
        reads.push_back({port, size, 0});
        return 0x11223344u + port;
    }
    void port_write(u16 port, u8 size, u32 value) override { writes.push_back({port, size, value}); }
};
} // namespace

TEST(IoBus, DispatchesByPortWithAccessSize) {
    fakes::FakeHost host;
    IoBus bus(host);
    Recorder dev;
    ASSERT_TRUE(bus.claim(Port(0xcf8), 8, dev, 4));
    bus.write(Port(0xcf8), 4, 0x80000000);
    ASSERT_EQ(dev.writes.size(), 1u);
    EXPECT_EQ(dev.writes[0].port, 0xcf8);
    EXPECT_EQ(dev.writes[0].size, 4);
    EXPECT_EQ(bus.read(Port(0xcfe), 2), (0x11223344u + 0xcfe) & 0xffff);
    EXPECT_TRUE(host.logs.empty());
}

TEST(IoBus, SplitsWideAccessesToByteDevices) {
    // An 8-bit ISA device sees a 16-bit OUT as two byte cycles at port and port+1.
    fakes::FakeHost host;
    IoBus bus(host);
    Recorder dev;
    ASSERT_TRUE(bus.claim(Port(0x70), 2, dev, 1));
    bus.write(Port(0x70), 2, 0xbbaa);
    ASSERT_EQ(dev.writes.size(), 2u);
    EXPECT_EQ(dev.writes[0].port, 0x70);
    EXPECT_EQ(dev.writes[0].value, 0xaau);
    EXPECT_EQ(dev.writes[1].port, 0x71);
    EXPECT_EQ(dev.writes[1].value, 0xbbu);
    EXPECT_EQ(bus.read(Port(0x70), 2), ((0x44u + 0x70) & 0xff) | (((0x44u + 0x71) & 0xff) << 8));
}

TEST(IoBus, UnclaimedPortsReadAllOnesAndAreLoggedOncePerPort) {
    fakes::FakeHost host;
    IoBus bus(host);
    EXPECT_EQ(bus.read(Port(0x3bc), 1), 0xffu);
    EXPECT_EQ(bus.read(Port(0x3bc), 4), 0xffffffffu);
    bus.write(Port(0x3bc), 1, 0);
    ASSERT_EQ(host.logs.size(), 1u);
    EXPECT_NE(host.logs[0].find("first access to unclaimed port 03bc"), std::string::npos) << host.logs[0];
    bus.write(Port(0x80), 1, 0x12);
    EXPECT_EQ(host.logs.size(), 2u);
}

TEST(IoBus, RefusesOverlapsAndReleases) {
    fakes::FakeHost host;
    IoBus bus(host);
    Recorder a, b;
    EXPECT_TRUE(bus.claim(Port(0x40), 4, a));
    EXPECT_FALSE(bus.claim(Port(0x43), 1, b));
    EXPECT_TRUE(bus.claim(Port(0x44), 1, b));
    EXPECT_TRUE(bus.release(Port(0x40), 4));
    EXPECT_FALSE(bus.is_claimed(Port(0x41)));
    EXPECT_TRUE(bus.claim(Port(0x43), 1, b));
}

TEST(IoBus, StringIoMovesElementsInOrder) {
    fakes::FakeHost host;
    IoBus bus(host);
    Recorder dev;
    ASSERT_TRUE(bus.claim(Port(0x1f0), 1, dev, 2));
    const u8 data[] = {1, 2, 3, 4};
    bus.write_string(Port(0x1f0), 2, data, 2);
    ASSERT_EQ(dev.writes.size(), 2u);
    EXPECT_EQ(dev.writes[0].value, 0x0201u);
    EXPECT_EQ(dev.writes[1].value, 0x0403u);
    u8 in[4] = {};
    bus.read_string(Port(0x1f0), 2, in, 2);
    EXPECT_EQ(in[0], u8(0x44 + 0xf0));
}

namespace {
struct Ram final : MmioDevice {
    u8 bytes[16] = {};
    u64 mmio_read(u64 offset, u8 size) override {
        u64 v = 0;
        for (u8 i = 0; i < size; ++i)
            v |= u64(bytes[offset + i]) << (8 * i);
        return v;
    }
    void mmio_write(u64 offset, u8 size, u64 value) override {
        for (u8 i = 0; i < size; ++i)
            bytes[offset + i] = u8(value >> (8 * i));
    }
};
} // namespace

TEST(MmioBus, RangesDispatchWithOffsetsAndUnclaimedReadsAllOnes) {
    fakes::FakeHost host;
    MmioBus bus(host);
    Ram ram;
    ASSERT_TRUE(bus.claim(GuestPhys(0xfee00000), 16, ram));
    EXPECT_FALSE(bus.claim(GuestPhys(0xfee00008), 16, ram));
    bus.write(GuestPhys(0xfee00004), 4, 0xdeadbeef);
    EXPECT_EQ(ram.bytes[4], 0xef);
    EXPECT_EQ(bus.read(GuestPhys(0xfee00004), 2), 0xbeefu);
    EXPECT_EQ(bus.read(GuestPhys(0xfec00000), 8), ~u64(0));
    bus.read(GuestPhys(0xfec00010), 4);
    ASSERT_EQ(host.logs.size(), 1u);
    EXPECT_NE(host.logs[0].find("fec00000"), std::string::npos);
}
