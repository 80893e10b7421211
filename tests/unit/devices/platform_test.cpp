// The whole PC device set of one VM, driven through its port bus the way the real-mode test
// guest does: program PIC and PIT and count timer interrupts, read the RTC, print over the UART, scan
// PCI, run the keyboard controller self-test, read fw_cfg, exit through 0xf4.
#include "vmm/devices/platform.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
struct PlatformTest : ::testing::Test {
    fakes::FakeHost host;
    PlatformConfig config = [] {
        PlatformConfig c;
        c.ram_bytes = 64 * MiB;
        c.cpus = 1;
        c.wall_clock_unix_seconds = 1700000000; // 2023-11-14 22:13:20 UTC
        return c;
    }();
    Platform pc{host, config};

    void out(u16 port, u32 value, u8 size = 1) { pc.io().write(Port(port), size, value); }
    u32 in(u16 port, u8 size = 1) { return pc.io().read(Port(port), size); }

    // The monitor's loop in small: run the virtual clock to `until`, taking interrupts as they come.
    std::vector<u8> run(u64 until) {
        std::vector<u8> vectors;
        while (true) {
            const u64 next = pc.next_event_ns();
            if (next > until) break;
            host.now = next;
            pc.advance(next);
            while (pc.interrupt_pending()) {
                const u8 vector = pc.acknowledge_interrupt();
                vectors.push_back(vector);
                out(0x20, 0x20); // the guest's handler: non-specific EOI
            }
        }
        host.now = until;
        return vectors;
    }
};
} // namespace

TEST_F(PlatformTest, TimerInterruptsArriveAtTheProgrammedRate) {
    // BIOS-style setup: PIC at 0x08/0x70, only IRQ 0 unmasked; PIT channel 0 mode 3 at 100 Hz.
    for (u8 b : {0x11, 0x08, 0x04, 0x01})
        out(b == 0x11 ? 0x20 : 0x21, b);
    for (u8 b : {0x11, 0x70, 0x02, 0x01})
        out(b == 0x11 ? 0xa0 : 0xa1, b);
    out(0x21, 0xfe);
    out(0xa1, 0xff);
    out(0x43, 0x36);
    const u16 divisor = 11932; // 100 Hz
    out(0x40, divisor & 0xff);
    out(0x40, divisor >> 8);
    // 100 periods of 11932 clocks take 1.000015 s of virtual time.
    const auto vectors = run(Pit8254::ns_for_ticks(100 * u64(divisor)));
    EXPECT_EQ(vectors.size(), 100u);
    for (u8 v : vectors)
        EXPECT_EQ(v, 0x08);
}

TEST_F(PlatformTest, RtcReadsTheWallClockPlusVirtualTime) {
    host.now = 5000000000ull;
    out(0x70, 0x00);
    EXPECT_EQ(in(0x71), 0x25u);
    out(0x70, 0x04);
    EXPECT_EQ(in(0x71), 0x22u);
    out(0x70, 0x17);
    EXPECT_EQ(in(0x71) | in(0x71) << 0, 0x00u); // 63 MiB extended = 0xfc00 KiB: low byte 0
    out(0x70, 0x18);
    EXPECT_EQ(in(0x71), 0xfcu);
}

TEST_F(PlatformTest, UartPrintsToTheConsoleAndReceivesInput) {
    for (char c : std::string("ok\n"))
        out(0x3f8, u8(c));
    EXPECT_EQ(host.console, "ok\n");
    pc.serial_input('y');
    EXPECT_EQ(in(0x3fd) & 1, 1u);
    EXPECT_EQ(in(0x3f8), u32('y'));
    EXPECT_EQ(in(0x2f8), 0xffu); // COM2 not configured
}

TEST_F(PlatformTest, PciScanAndKeyboardSelfTest) {
    out(0xcf8, 0x80000000, 4);
    EXPECT_EQ(in(0xcfc, 4), 0x12378086u);
    out(0xcf8, 0x80000800, 4);
    EXPECT_EQ(in(0xcfc, 4), 0x70008086u);
    out(0xcf8, 0x80001000, 4);
    EXPECT_EQ(in(0xcfc, 4), 0xffffffffu);
    out(0x64, 0xaa);
    EXPECT_EQ(in(0x64) & 1, 1u);
    EXPECT_EQ(in(0x60), 0x55u);
}

TEST_F(PlatformTest, KeyboardInterruptsReachTheGuestTranslated) {
    for (u8 b : {0x11, 0x08, 0x04, 0x01})
        out(b == 0x11 ? 0x20 : 0x21, b);
    out(0x21, 0xfd);              // IRQ 1 only
    pc.key({0x1c, false, false}); // Enter
    ASSERT_TRUE(pc.interrupt_pending());
    EXPECT_EQ(pc.acknowledge_interrupt(), 0x09);
    EXPECT_EQ(in(0x60), 0x1cu);
}

TEST_F(PlatformTest, FwCfgTestExitA20AndUnclaimedPorts) {
    out(0x510, 0x0003, 2);
    u64 ram = 0;
    for (int i = 0; i < 8; ++i)
        ram |= u64(in(0x511)) << (8 * i);
    EXPECT_EQ(ram, 64 * MiB);
    out(0x92, 0x00);
    out(0x64, 0xd1);
    out(0x60, 0xdd);
    EXPECT_FALSE(pc.a20_enabled());
    EXPECT_EQ(host.a20, std::vector<bool>{false});
    out(0x80, 0x42);             // POST code: absorbed quietly
    EXPECT_EQ(in(0x378), 0xffu); // no parallel port
    ASSERT_EQ(host.logs.size(), 1u);
    EXPECT_NE(host.logs[0].find("0378"), std::string::npos);
    out(0xf4, 0x10, 4);
    EXPECT_EQ(host.stops, std::vector<u32>{0x10});
    out(0xcf9, 0x06); // hard reset (Linux reboot=pci)
    EXPECT_EQ(host.resets, 1);
    EXPECT_EQ(host.system_resets, 1);
    out(0xcf9, 0x00);
    out(0xcf9, 0x04); // soft reset: CPU only
    EXPECT_EQ(host.resets, 2);
    EXPECT_EQ(host.system_resets, 1);
    out(0x64, 0xfe);
    EXPECT_EQ(host.resets, 3);
    EXPECT_EQ(host.system_resets, 1);
}

TEST(PlatformCom2, ComTwoOnRequestUsesIrq3) {
    fakes::FakeHost host;
    PlatformConfig config;
    config.ram_bytes = 16 * MiB;
    config.com2 = true;
    Platform pc(host, config);
    for (u8 b : {0x11, 0x08, 0x04, 0x01})
        pc.io().write(Port(b == 0x11 ? 0x20 : 0x21), 1, b);
    pc.io().write(Port(0x21), 1, 0xf7);  // IRQ 3 only
    pc.io().write(Port(0x2fc), 1, 0x08); // OUT2
    pc.io().write(Port(0x2f9), 1, 0x02); // THRE interrupt
    ASSERT_TRUE(pc.interrupt_pending());
    EXPECT_EQ(pc.acknowledge_interrupt(), 0x0b);
    pc.io().write(Port(0x2f8), 1, '2');
    EXPECT_EQ(host.console, "2");
}
