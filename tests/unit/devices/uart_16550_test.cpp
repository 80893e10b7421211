// The 16550A driven the way Linux's 8250 driver probes and uses it (drivers/tty/serial/8250/8250_port.c:
// autoconfig, autoconfig_16550a, serial8250_do_startup) and the way SeaBIOS/GRUB print through it.
// Expected values: National Semiconductor PC16550D datasheet.
#include "vmm/devices/uart_16550.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
struct UartTest : ::testing::Test {
    fakes::FakeHost host;
    fakes::FakeIrqs irqs;
    Uart16550 uart{Uart16550::com1_base, host, IrqLine(irqs, 4), host};

    void out(u16 reg, u8 value) { uart.port_write(u16(0x3f8 + reg), 1, value); }
    u8 in(u16 reg) { return u8(uart.port_read(u16(0x3f8 + reg), 1)); }
};
} // namespace

TEST_F(UartTest, ResetState) {
    // Table II reset column: IER 0, IIR 0x01, LCR 0, MCR 0, LSR 0x60; MSR inputs of a connected line.
    EXPECT_EQ(in(1), 0x00);
    EXPECT_EQ(in(2), 0x01);
    EXPECT_EQ(in(3), 0x00);
    EXPECT_EQ(in(4), 0x00);
    EXPECT_EQ(in(5), 0x60);
    EXPECT_EQ(in(6), 0xb0);
}

TEST_F(UartTest, LinuxAutoconfigIerAndLoopbackProbe) {
    // autoconfig(): IER bits 3-0 are writable, bits 7-4 read as 0.
    out(1, 0x00);
    EXPECT_EQ(in(1) & 0x0f, 0x00);
    out(1, 0x0f);
    EXPECT_EQ(in(1) & 0x0f, 0x0f);
    out(1, 0x00);
    // Loopback probe: MCR = LOOP | OUT2 | RTS; MSR bits 7-4 must read DCD | CTS = 0x90 (§8.8).
    const u8 save_mcr = in(4);
    out(4, 0x1a);
    EXPECT_EQ(in(6) & 0xf0, 0x90);
    out(4, save_mcr);
    // FIFO detection: FCR = 1; IIR bits 7-6 = 11 on a 16550A, bits 5-4 = 0 (no 64-byte FIFO).
    out(2, 0x01);
    EXPECT_EQ(in(2) >> 6, 3);
    out(3, 0x00);
    out(2, 0x21);
    EXPECT_EQ((in(2) >> 4) & 3, 0);
    out(1, 0x40); // IER bit 6 (UUE on XScale) must not stick
    EXPECT_EQ(in(1), 0x00);
}

TEST_F(UartTest, DivisorLatchThroughDlab) {
    // Linux serial8250_set_divisor / GRUB serial init: LCR.DLAB = 1, DLL/DLM, then LCR = 8N1.
    out(3, 0x80);
    out(0, 0x01);
    out(1, 0x00);
    EXPECT_EQ(in(0), 0x01);
    EXPECT_EQ(in(1), 0x00);
    out(3, 0x03);
    EXPECT_EQ(uart.divisor(), 1);
    EXPECT_EQ(in(3), 0x03);
    EXPECT_EQ(in(1), 0x00); // IER again, not DLM
}

TEST_F(UartTest, TransmitGoesToTheConsoleAndLineStaysEmpty) {
    for (char c : std::string("Hello\n")) {
        while (!(in(5) & 0x20)) {
        } // wait for THRE, as every polling driver does
        out(0, u8(c));
    }
    EXPECT_EQ(host.console, "Hello\n");
    EXPECT_EQ(in(5), 0x60); // THRE and TEMT
}

TEST_F(UartTest, ThreInterruptNeedsOut2AndIsClearedByIirRead) {
    out(1, 0x02);
    EXPECT_FALSE(irqs.level[4]); // OUT2 gates INTR onto the PC's IRQ line
    out(4, 0x0b);                // DTR | RTS | OUT2, as Linux sets for an IRQ-driven port
    EXPECT_TRUE(irqs.level[4]);
    EXPECT_EQ(in(2), 0x02); // THRE interrupt identification
    EXPECT_FALSE(irqs.level[4]);
    EXPECT_EQ(in(2), 0x01);
    out(0, 'x'); // the next character empties THR again: a new edge
    EXPECT_TRUE(irqs.level[4]);
    EXPECT_EQ(irqs.rising[4], 2);
}

TEST_F(UartTest, LinuxThreBugProbeSeesReassertedInterrupt) {
    // serial8250_do_startup(): enabling THRI twice must report an interrupt both times.
    out(1, 0x02);
    const u8 iir1 = in(2);
    out(1, 0x00);
    out(1, 0x02);
    const u8 iir = in(2);
    out(1, 0x00);
    EXPECT_EQ(iir1 & 0x01, 0);
    EXPECT_EQ(iir & 0x01, 0);
}

TEST_F(UartTest, ReceiveFifoTriggerLevelAndCharacterTimeout) {
    out(2, 0x87); // FIFO on, clear both, trigger 8 (FCR bits 7-6 = 10)
    out(1, 0x01);
    out(4, 0x08);
    for (int i = 0; i < 7; ++i)
        uart.receive(u8('a' + i));
    EXPECT_EQ(in(2), 0xc1); // below the trigger: nothing yet
    EXPECT_NE(uart.next_event_ns(), no_event);
    host.now = uart.next_event_ns();
    uart.advance(host.now);
    EXPECT_TRUE(irqs.level[4]);
    EXPECT_EQ(in(2), 0xcc); // character timeout indication (Table IV)
    uart.receive('h');
    EXPECT_EQ(in(2), 0xc4); // trigger level reached: received data available
    std::string got;
    while (in(5) & 0x01)
        got.push_back(char(in(0)));
    EXPECT_EQ(got, "abcdefgh");
    EXPECT_EQ(in(2), 0xc1);
    EXPECT_FALSE(irqs.level[4]);
}

TEST_F(UartTest, OverrunWhenTheReceiverIsFull) {
    // Without FIFO, the holding register holds one character; a second one overruns (§8.4 bit 1).
    uart.receive('1');
    EXPECT_EQ(uart.receive_space(), 0u);
    uart.receive('2');
    out(1, 0x04);
    out(4, 0x08);
    EXPECT_EQ(in(2), 0x06); // receiver line status, highest priority
    EXPECT_EQ(in(5), 0x63); // DR | OE | THRE | TEMT
    EXPECT_EQ(in(5), 0x61); // OE cleared by the read
    EXPECT_EQ(in(0), '1');
    out(2, 0x01);
    for (int i = 0; i < 17; ++i)
        uart.receive(u8(i));
    EXPECT_EQ(in(5) & 0x02, 0x02); // 16-byte FIFO full, 17th lost
}

TEST_F(UartTest, LoopbackSendsTransmitterToReceiverAndModemOutputsToInputs) {
    out(4, 0x10);
    out(0, 'Z');
    EXPECT_TRUE(host.console.empty());
    EXPECT_EQ(in(5) & 0x01, 0x01);
    EXPECT_EQ(in(0), 'Z');
    in(6);                      // clear deltas
    out(4, 0x10 | 0x02 | 0x01); // RTS, DTR -> CTS, DSR with their delta bits
    EXPECT_EQ(in(6), 0x33);
    out(4, 0x10 | 0x04); // OUT1 -> RI
    EXPECT_EQ(in(6) & 0x4f, 0x43);
    out(4, 0x10);
    EXPECT_EQ(in(6) & 0x0f, 0x04); // TERI: RI went from 1 to 0
    out(4, 0x00);
    EXPECT_EQ(in(6) & 0xf0, 0xb0);
    uart.receive('q'); // the receiver listens to the line again
    EXPECT_EQ(in(0), 'q');
}

TEST_F(UartTest, ScratchRegister) {
    out(7, 0x5a);
    EXPECT_EQ(in(7), 0x5a);
}

TEST_F(UartTest, ModemStatusInterruptHasLowestPriority) {
    // Table IV: modem status (IIR 0x00) after line status, data and THRE; cleared by reading MSR.
    out(4, 0x10); // loopback: DCD/DSR/CTS drop, setting their delta bits
    out(1, 0x0a); // THRE + modem status interrupts
    EXPECT_EQ(in(2), 0x02);
    EXPECT_EQ(in(2), 0x00);        // THRE cleared by the read above; modem status remains
    EXPECT_EQ(in(6) & 0x0f, 0x0b); // DCTS, DDSR, DDCD
    EXPECT_EQ(in(2), 0x01);
}
