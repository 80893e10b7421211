// The MC146818 RTC driven the way Linux (drivers/rtc/rtc-mc146818-lib.c, arch/x86/kernel/rtc.c) and
// SeaBIOS (src/hw/rtc.c) use it. Expected values: Motorola MC146818A datasheet.
#include "vmm/devices/bios_cmos.hpp"
#include "vmm/devices/rtc_cmos.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
constexpr u64 second = 1000000000;
// 1700000000 = Tuesday 2023-11-14 22:13:20 UTC.
struct RtcTest : ::testing::Test {
    fakes::FakeHost host;
    fakes::FakeIrqs irqs;
    RtcCmos rtc{host, IrqLine(irqs, 8), 1700000000};

    u8 read(u8 index) {
        rtc.port_write(0x70, 1, index);
        return u8(rtc.port_read(0x71, 1));
    }
    void write(u8 index, u8 value) {
        rtc.port_write(0x70, 1, index);
        rtc.port_write(0x71, 1, value);
    }
};
} // namespace

TEST(CivilTime, ConvertsBothWays) {
    const CivilTime t = civil_from_unix(1700000000);
    EXPECT_EQ(t.year, 2023u);
    EXPECT_EQ(t.month, 11);
    EXPECT_EQ(t.day, 14);
    EXPECT_EQ(t.hour, 22);
    EXPECT_EQ(t.weekday, 3); // Tuesday
    EXPECT_EQ(unix_from_civil(t), 1700000000u);
    EXPECT_EQ(unix_from_civil(civil_from_unix(951782400)), 951782400u); // 2000-02-29
    EXPECT_EQ(civil_from_unix(951782400).day, 29);
}

TEST_F(RtcTest, TimeAndDateInBcd24HourByDefault) {
    // Table 3: BCD data mode, 24-hour; register 6 day of week 1 = Sunday.
    EXPECT_EQ(read(0x00), 0x20);
    EXPECT_EQ(read(0x02), 0x13);
    EXPECT_EQ(read(0x04), 0x22);
    EXPECT_EQ(read(0x06), 0x03);
    EXPECT_EQ(read(0x07), 0x14);
    EXPECT_EQ(read(0x08), 0x11);
    EXPECT_EQ(read(0x09), 0x23);
    EXPECT_EQ(read(0x32), 0x20);
    EXPECT_EQ(read(0x0d), 0x80); // register D: VRT, valid RAM and time
}

TEST_F(RtcTest, BinaryAnd12HourModes) {
    write(0x0b, 0x04);                // DM = 1 binary, 24/12 = 0: 12-hour
    EXPECT_EQ(read(0x04), 0x80 | 10); // 22 h = 10 PM: bit 7 = PM
    EXPECT_EQ(read(0x00), 20);
    write(0x0b, 0x00); // BCD, 12-hour
    EXPECT_EQ(read(0x04), 0x90);
}

TEST_F(RtcTest, FollowsTheVirtualClockOnly) {
    host.now = 45 * second;
    EXPECT_EQ(read(0x00), 0x05);
    EXPECT_EQ(read(0x02), 0x14);
    // A paused VM's clock does not move: reading again at the same virtual time gives the same.
    EXPECT_EQ(read(0x00), 0x05);
}

TEST_F(RtcTest, UpdateInProgressIs244MicrosecondsBeforeTheUpdate) {
    // Linux mc146818_get_time / SeaBIOS rtc_updating poll register A bit 7 before reading.
    host.now = second - 300000;
    EXPECT_EQ(read(0x0a), 0x26);
    host.now = second - 200000;
    EXPECT_EQ(read(0x0a), 0xa6);
    EXPECT_EQ(read(0x00), 0x20); // the old second until the update
    host.now = second;
    EXPECT_EQ(read(0x0a), 0x26);
    EXPECT_EQ(read(0x00), 0x21);
}

TEST_F(RtcTest, LinuxSetTimeWithSetBitAndDividerReset) {
    // mc146818_set_time(): B |= SET, A = DV reset, write registers, restore A, clear SET.
    const u8 b = read(0x0b);
    write(0x0b, u8(b | 0x80));
    write(0x0a, 0x70);
    write(0x09, 0x25);
    write(0x08, 0x02);
    write(0x07, 0x28);
    write(0x04, 0x23);
    write(0x02, 0x59);
    write(0x00, 0x58);
    host.now = 10 * second; // held while SET: no updates
    EXPECT_EQ(read(0x00), 0x58);
    write(0x0a, 0x26);
    write(0x0b, b);
    host.now += second + 1;
    EXPECT_EQ(read(0x00), 0x59);
    host.now += second;
    EXPECT_EQ(read(0x00), 0x00); // rolls over into 2025-03-01
    EXPECT_EQ(read(0x07), 0x01);
    EXPECT_EQ(read(0x08), 0x03);
    EXPECT_EQ(read(0x06), 0x07); // Saturday
}

TEST_F(RtcTest, SetBitClearsUpdateInterruptEnable) {
    write(0x0b, 0x12); // UIE | 24h
    write(0x0b, 0x92);
    EXPECT_EQ(read(0x0b), 0x82); // "Register B": SET = 1 clears UIE
}

TEST_F(RtcTest, PeriodicInterruptAt1024Hz) {
    // Register A RS = 0110: 976.562 us (Table 5). Linux's rtc driver: B |= PIE, handler reads C.
    write(0x0b, 0x42);
    int interrupts = 0;
    while (true) {
        const u64 next = rtc.next_event_ns();
        if (next > second) break;
        host.now = next;
        rtc.advance(next);
        ASSERT_TRUE(irqs.level[8]);
        EXPECT_EQ(read(0x0c) & 0xc0, 0xc0); // IRQF | PF (UF too at the second boundary)
        EXPECT_FALSE(irqs.level[8]);
        ++interrupts;
    }
    EXPECT_EQ(interrupts, 1024);
}

TEST_F(RtcTest, PeriodicFlagIsSetEvenWithoutPie) {
    write(0x0a, 0x2f); // RS = 1111: 500 ms
    host.now = second / 2 + 1;
    EXPECT_EQ(read(0x0c), 0x40); // PF without IRQF
    EXPECT_EQ(read(0x0c), 0x00); // cleared by the read
    EXPECT_FALSE(irqs.level[8]);
}

TEST_F(RtcTest, UpdateEndedInterruptOncePerSecond) {
    write(0x0b, 0x12);
    EXPECT_EQ(rtc.next_event_ns(), second);
    host.now = second;
    rtc.advance(host.now);
    EXPECT_TRUE(irqs.level[8]);
    EXPECT_EQ(read(0x0c) & 0xb0, 0x90); // IRQF | UF (PF is set too: flags do not need enables)
    EXPECT_EQ(rtc.next_event_ns(), 2 * second);
}

TEST_F(RtcTest, AlarmInterruptWithDontCareBytes) {
    // Alarm at hh:mm:25 for any hour and minute (11xxxxxx = don't care).
    write(0x01, 0x25);
    write(0x03, 0xc0);
    write(0x05, 0xff);
    write(0x0b, 0x22); // AIE
    host.now = 4 * second;
    rtc.advance(host.now);
    EXPECT_FALSE(irqs.level[8]);
    host.now = 5 * second;
    rtc.advance(host.now);
    EXPECT_TRUE(irqs.level[8]);
    EXPECT_EQ(read(0x0c) & 0xa0, 0xa0); // IRQF | AF
}

TEST_F(RtcTest, DividerResetHoldsTimeAndFirstUpdateIsHalfASecondAfterRelease) {
    host.now = second / 4;
    write(0x0a, 0x60);
    host.now = 5 * second;
    EXPECT_EQ(read(0x00), 0x20);
    write(0x0a, 0x26);
    host.now += second / 2 - 1;
    EXPECT_EQ(read(0x00), 0x20);
    host.now += 1;
    EXPECT_EQ(read(0x00), 0x21);
}

TEST_F(RtcTest, NmiMaskBitAndNvram) {
    rtc.port_write(0x70, 1, 0x80 | 0x20);
    EXPECT_FALSE(rtc.nmi_enabled());
    rtc.port_write(0x71, 1, 0x5a);
    EXPECT_EQ(read(0x20), 0x5a);
    EXPECT_TRUE(rtc.nmi_enabled());
}

TEST_F(RtcTest, BiosMemoryAndEquipmentBytes) {
    // IBM PC/AT CMOS map: 0x15-0x16 base KiB, 0x17-0x18 and 0x30-0x31 extended KiB, 0x34-0x35
    // 64 KiB blocks above 16 MiB, 0x2e-0x2f checksum of 0x10-0x2d; QEMU/SeaBIOS 0x5b-0x5d, 0x5f.
    BiosCmosConfig config;
    config.ram_bytes = 32 * MiB;
    config.cpus = 2;
    config.floppy_a = 4;
    config.hard_disk0 = true;
    write_bios_cmos(rtc, config);
    EXPECT_EQ(read(0x15) | read(0x16) << 8, 640);
    EXPECT_EQ(read(0x17) | read(0x18) << 8, 31 * 1024);
    EXPECT_EQ(read(0x30) | read(0x31) << 8, 31 * 1024);
    EXPECT_EQ(read(0x34) | read(0x35) << 8, 256);
    EXPECT_EQ(read(0x10), 0x40);
    EXPECT_EQ(read(0x12), 0xf0);
    EXPECT_EQ(read(0x14), 0x03);
    EXPECT_EQ(read(0x5f), 1);
    unsigned sum = 0;
    for (u8 i = 0x10; i <= 0x2d; ++i)
        sum += read(i);
    EXPECT_EQ(read(0x2e) << 8 | read(0x2f), sum & 0xffff);

    config.ram_bytes = 4 * GiB;
    write_bios_cmos(rtc, config);
    EXPECT_EQ(read(0x17) | read(0x18) << 8, 0xffff);
    EXPECT_EQ(read(0x34) | read(0x35) << 8, (0xe0000000 - 16 * MiB) / (64 * KiB));
    EXPECT_EQ(read(0x5b) | read(0x5c) << 8 | read(0x5d) << 16, (512 * MiB) / (64 * KiB));
}

TEST_F(RtcTest, WritingHoursIn12HourMode) {
    write(0x0b, 0x80); // SET, BCD, 12-hour
    write(0x04, 0x81); // 1 PM: bit 7 = PM in 12-hour mode
    write(0x0b, 0x02); // release SET, switch to 24-hour to read it back
    EXPECT_EQ(read(0x04), 0x13);
    write(0x0b, 0x80);
    write(0x04, 0x12); // 12 AM is midnight
    write(0x0b, 0x02);
    EXPECT_EQ(read(0x04), 0x00);
}
