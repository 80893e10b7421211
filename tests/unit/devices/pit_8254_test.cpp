// The 8254 driven the way Linux (arch/x86/kernel/i8253.c, tsc.c pit_calibrate_tsc) and SeaBIOS
// (src/hw/timer.c) program it. Expected values: Intel 8254 datasheet (231164).
#include "vmm/devices/pit_8254.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
struct PitTest : ::testing::Test {
    fakes::FakeHost host;
    fakes::FakeIrqs irqs;
    Pit8254 pit{host, IrqLine(irqs, 0)};

    void out(u16 port, u8 value) { pit.port_write(port, 1, value); }
    u8 in(u16 port) { return u8(pit.port_read(port, 1)); }
    void run_until(u64 ns) {
        // Like the monitor: program the real timer for next_event_ns and advance when it fires.
        while (pit.next_event_ns() <= ns) {
            host.now = pit.next_event_ns();
            pit.advance(host.now);
        }
        host.now = ns;
        pit.advance(ns);
    }
    u16 latch_and_read(u8 channel) {
        out(0x43, u8(channel << 6)); // counter latch command
        const u8 lo = in(u16(0x40 + channel));
        return u16(lo | (in(u16(0x40 + channel)) << 8));
    }
};
} // namespace

TEST_F(PitTest, TickConversionsUseTheInputClock) {
    EXPECT_EQ(Pit8254::ticks_in(1000000000), 1193182u);
    EXPECT_EQ(Pit8254::ticks_in(838), 0u);
    EXPECT_EQ(Pit8254::ticks_in(839), 1u); // 1/1.193182 MHz = 838.095 ns
    EXPECT_EQ(Pit8254::ns_for_ticks(1), 839u);
    EXPECT_EQ(Pit8254::ns_for_ticks(1193182), 1000000000u);
    EXPECT_EQ(Pit8254::ticks_in(Pit8254::ns_for_ticks(65536)), 65536u);
}

TEST_F(PitTest, LinuxPeriodicTimerMode2At1000Hz) {
    // Linux init_pit_timer(periodic): outb_p(0x34, PIT_MODE); LATCH = 1193 low then high byte.
    out(0x43, 0x34);
    out(0x40, 1193 & 0xff);
    out(0x40, 1193 >> 8);
    EXPECT_EQ(pit.next_event_ns(), Pit8254::ns_for_ticks(1193));
    run_until(1000000000);
    // Mode 2 ("Rate Generator"): one OUT rising edge per N clocks: 1193182 / 1193 = 1000.15 per second.
    EXPECT_EQ(irqs.rising[0], 1000);
}

TEST_F(PitTest, Mode2CountsDownAndReloads) {
    out(0x43, 0x34);
    out(0x40, 100);
    out(0x40, 0);
    EXPECT_EQ(latch_and_read(0), 100);
    host.now = Pit8254::ns_for_ticks(30);
    EXPECT_EQ(latch_and_read(0), 70);
    host.now = Pit8254::ns_for_ticks(99); // count 1: OUT low for one clock
    EXPECT_EQ(latch_and_read(0), 1);
    EXPECT_FALSE(pit.output(0));
    host.now = Pit8254::ns_for_ticks(100);
    EXPECT_EQ(latch_and_read(0), 100);
    EXPECT_TRUE(pit.output(0));
}

TEST_F(PitTest, Mode3SquareWaveHalvesThePeriodAndCountsByTwo) {
    // SeaBIOS timer_setup: 0x36 (channel 0, low/high, mode 3), count 0 = 65536 (18.2 Hz).
    out(0x43, 0x36);
    out(0x40, 0);
    out(0x40, 0);
    EXPECT_TRUE(pit.output(0));
    host.now = Pit8254::ns_for_ticks(1000);
    EXPECT_EQ(latch_and_read(0), 65536 - 2000);
    host.now = Pit8254::ns_for_ticks(32768);
    EXPECT_FALSE(pit.output(0)); // "OUT will be high for N/2 counts and low for N/2 counts"
    run_until(Pit8254::ns_for_ticks(65536 * 18));
    EXPECT_EQ(irqs.rising[0], 18);
}

TEST_F(PitTest, LinuxOneShotMode4FiresOnceAfterNPlusOneClocks) {
    // Linux pit_next_event/oneshot: outb_p(0x38, PIT_MODE) (mode 4, software triggered strobe).
    out(0x43, 0x38);
    out(0x40, 0x10);
    out(0x40, 0x00);
    EXPECT_EQ(pit.next_event_ns(), Pit8254::ns_for_ticks(17));
    run_until(Pit8254::ns_for_ticks(16));
    EXPECT_EQ(irqs.rising[0], 0);
    EXPECT_FALSE(pit.output(0)); // low for one clock at count 0
    run_until(1000000);
    EXPECT_EQ(irqs.rising[0], 1);
    EXPECT_EQ(pit.next_event_ns(), no_event);
}

TEST_F(PitTest, Mode0OutputLowUntilTerminalCount) {
    out(0x43, 0x30);
    EXPECT_FALSE(pit.output(0)); // "OUT is initially low" after the control word
    out(0x40, 0x00);
    out(0x40, 0x01); // 256
    host.now = Pit8254::ns_for_ticks(255);
    EXPECT_FALSE(pit.output(0));
    run_until(Pit8254::ns_for_ticks(256));
    EXPECT_TRUE(pit.output(0));
    EXPECT_EQ(irqs.rising[0], 1);
    host.now = Pit8254::ns_for_ticks(300); // keeps counting (wraps) with OUT high
    EXPECT_EQ(latch_and_read(0), u16(256 - 300));
    EXPECT_TRUE(pit.output(0));
}

TEST_F(PitTest, LinuxTscCalibrationPollsChannel2OutThroughPort61) {
    // pit_calibrate_tsc(): gate on, speaker off; 0xb0 = channel 2, low/high, mode 0; 50 ms latch;
    // then polls port 0x61 bit 5 (OUT2) until high.
    out(0x61, u8((in(0x61) & ~0x02) | 0x01));
    out(0x43, 0xb0);
    const u16 latch = 1193182 / 20;
    out(0x42, latch & 0xff);
    out(0x42, latch >> 8);
    host.now = 49000000;
    EXPECT_EQ(in(0x61) & 0x20, 0);
    host.now = 50000001;
    EXPECT_EQ(in(0x61) & 0x20, 0x20);
    EXPECT_EQ(in(0x61) & 0x03, 0x01);
}

TEST_F(PitTest, Channel2GateLowSuspendsMode0) {
    out(0x61, 0x01);
    out(0x43, 0xb0);
    out(0x42, 0xe8);
    out(0x42, 0x03); // 1000
    host.now = Pit8254::ns_for_ticks(100);
    out(0x61, 0x00); // gate low: "counting is suspended"
    host.now = Pit8254::ns_for_ticks(5000);
    EXPECT_EQ(latch_and_read(2), 900);
    out(0x61, 0x01);
    host.now += Pit8254::ns_for_ticks(50);
    EXPECT_EQ(latch_and_read(2), 850);
}

TEST_F(PitTest, ReadBackLatchesStatusThenCount) {
    // Read-back 0xc2: latch count and status of counter 0. Status: OUT, NULL COUNT, RW, M, BCD.
    out(0x43, 0x34);
    out(0x40, 0x00);
    out(0x40, 0x10); // 4096
    host.now = Pit8254::ns_for_ticks(96);
    out(0x43, 0xc2);
    host.now = Pit8254::ns_for_ticks(200); // the latched values do not change
    EXPECT_EQ(in(0x40), 0xb4);             // OUT=1, null=0, RW=11, mode 010, binary
    EXPECT_EQ(in(0x40), 0xa0);
    EXPECT_EQ(in(0x40), 0x0f); // 4000 = 0x0fa0
    // Status only (0xe2): the control word just written shows NULL COUNT until a count is loaded.
    out(0x43, 0x30);
    out(0x43, 0xe2);
    EXPECT_EQ(in(0x40), 0x70); // OUT low in mode 0, null count, RW=11, mode 000
}

TEST_F(PitTest, LatchHoldsValueAcrossTimeAndFirstLatchWins) {
    out(0x43, 0x34);
    out(0x40, 0x00);
    out(0x40, 0x00); // 65536
    host.now = Pit8254::ns_for_ticks(10);
    out(0x43, 0x00);
    host.now = Pit8254::ns_for_ticks(20);
    out(0x43, 0x00); // ignored: "if a counter is latched and then latched again before being read"
    EXPECT_EQ(in(0x40), u8(65526 & 0xff));
    EXPECT_EQ(in(0x40), u8(65526 >> 8));
    host.now = Pit8254::ns_for_ticks(30);
    EXPECT_EQ(latch_and_read(0), 65506);
}

TEST_F(PitTest, BcdCountsInDecimal) {
    out(0x43, 0x35); // mode 2, BCD
    out(0x40, 0x00);
    out(0x40, 0x10); // BCD 1000
    host.now = Pit8254::ns_for_ticks(1);
    EXPECT_EQ(latch_and_read(0), 0x0999);
    run_until(Pit8254::ns_for_ticks(10000));
    EXPECT_EQ(irqs.rising[0], 10);
}

TEST_F(PitTest, LowOnlyAndHighOnlyAccess) {
    out(0x43, 0x54); // channel 1, low byte only, mode 2 (the old DRAM refresh setting: 18)
    out(0x41, 18);
    host.now = Pit8254::ns_for_ticks(5);
    EXPECT_EQ(in(0x41), 13);
    out(0x43, 0x64); // channel 1, high byte only
    out(0x41, 0x02); // 0x200
    host.now += Pit8254::ns_for_ticks(256);
    EXPECT_EQ(in(0x41), 0x01);
}

TEST_F(PitTest, Port61RefreshBitToggles) {
    // BIOS delay loops count toggles of bit 4 (one per 15.085 us refresh request).
    host.now = 0;
    const u8 a = in(0x61) & 0x10;
    host.now = 15085;
    const u8 b = in(0x61) & 0x10;
    EXPECT_NE(a, b);
}

TEST_F(PitTest, PausedClockDeliversNothing) {
    out(0x43, 0x34);
    out(0x40, 0xa9);
    out(0x40, 0x04);
    host.now = 500000;
    pit.advance(host.now);
    pit.advance(host.now);
    EXPECT_EQ(irqs.rising[0], 0);
    EXPECT_GT(pit.next_event_ns(), host.now);
}

TEST_F(PitTest, Mode1OneShotIsTriggeredByTheGate) {
    // Mode 1 ("Hardware Retriggerable One-Shot"): OUT goes low on the CLK after a gate rising edge and
    // high again at terminal count; nothing happens before the trigger.
    out(0x61, 0x00);
    out(0x43, 0xb2); // channel 2, low/high, mode 1
    out(0x42, 100);
    out(0x42, 0);
    host.now = Pit8254::ns_for_ticks(500);
    EXPECT_TRUE(pit.output(2));
    out(0x61, 0x01); // trigger
    host.now += Pit8254::ns_for_ticks(50);
    EXPECT_FALSE(pit.output(2));
    EXPECT_EQ(latch_and_read(2), 50);
    host.now += Pit8254::ns_for_ticks(50);
    EXPECT_TRUE(pit.output(2));
}

TEST_F(PitTest, Mode2GateLowHoldsCountAndForcesOutHigh) {
    out(0x61, 0x01);
    out(0x43, 0xb4); // channel 2, low/high, mode 2
    out(0x42, 10);
    out(0x42, 0);
    host.now = Pit8254::ns_for_ticks(9); // count 1: OUT low
    EXPECT_FALSE(pit.output(2));
    out(0x61, 0x00);
    EXPECT_TRUE(pit.output(2)); // "If GATE goes low ... OUT is set high immediately"
    host.now = Pit8254::ns_for_ticks(100);
    EXPECT_EQ(latch_and_read(2), 1);
    out(0x61, 0x01); // rising gate reloads the initial count
    EXPECT_EQ(latch_and_read(2), 10);
}

TEST_F(PitTest, Mode2NewCountTakesOverAtTheEndOfThePeriod) {
    // "Mode 2 ... if a new count is written during counting, it will be loaded at the end of the
    // current counting cycle" (no control word in between, as music/tone code does it).
    out(0x43, 0x34);
    out(0x40, 100);
    out(0x40, 0);
    host.now = Pit8254::ns_for_ticks(30);
    out(0x40, 50);
    out(0x40, 0);
    EXPECT_EQ(latch_and_read(0), 70); // the old count goes on
    run_until(Pit8254::ns_for_ticks(100));
    EXPECT_EQ(irqs.rising[0], 1);
    EXPECT_EQ(latch_and_read(0), 50); // reloaded with the new count
    run_until(Pit8254::ns_for_ticks(100 + 50 * 10));
    EXPECT_EQ(irqs.rising[0], 11);
}
