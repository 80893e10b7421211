// The 16550A UART (COM1 at 0x3f8/IRQ 4, COM2 at 0x2f8/IRQ 3). Transmitted bytes go to the VM's console
// stream at once (the line is infinitely fast, so THR and the shift register are always empty again);
// received bytes are pushed in by the monitor when the VM has the keyboard.
//
// References: National Semiconductor PC16550D datasheet: Table II "Summary of Registers", §8.4 Line
// Status Register, §8.6 Interrupt Identification Register (Table IV priorities), §8.5 FIFO Control
// Register, §8.7 Interrupt Enable Register, §8.8 Modem Control Register (loopback), §8.9 Modem Status
// Register. On the PC, the UART's INTR reaches the 8259 only while MCR OUT2 is 1 (IBM AT Technical
// Reference, "Serial/Parallel Adapter"), and in loopback the OUT2 pin is forced inactive.
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/irq_line.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class Uart16550 final : public PortDevice {
  public:
    static constexpr u16 com1_base = 0x3f8;
    static constexpr u16 com2_base = 0x2f8;
    static constexpr u8 com1_irq = 4;
    static constexpr u8 com2_irq = 3;
    static constexpr usize fifo_size = 16;

    Uart16550(u16 base, Clock& clock, IrqLine irq, ByteSink& output)
        : base_(base), clock_(clock), irq_(irq), output_(output) {}

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

    // A byte arrives on the receive line. When the receiver has no room the byte is lost and the
    // overrun error is flagged, as on the real chip; check receive_space() to avoid that.
    void receive(u8 byte);
    usize receive_space() const { return capacity() - rx_count_; }

    // The character-timeout interrupt (FIFO mode) is the only timed event.
    void advance(u64 now_ns) { update_irq(now_ns); }
    u64 next_event_ns();

    u16 base() const { return base_; }
    u16 divisor() const { return u16(dll_ | (dlm_ << 8)); }

  private:
    enum Register : u8 { rbr_thr = 0, ier = 1, iir_fcr = 2, lcr = 3, mcr = 4, lsr = 5, msr = 6, scr = 7 };

    usize capacity() const { return fifo_enabled_ ? fifo_size : 1; }
    usize trigger_level() const;
    u8 interrupt_id(u64 now) const; // IIR bits 3-0
    u8 modem_inputs() const;        // MSR bits 7-4 as the pins (or the loopback) drive them
    void set_modem_inputs(u8 inputs);
    void update_irq(u64 now);
    void transmit(u8 byte, u64 now);
    void push_rx(u8 byte, u64 now);
    u64 char_timeout_ns() const;

    u16 base_;
    Clock& clock_;
    IrqLine irq_;
    ByteSink& output_;
    u8 dll_ = 12; // 9600 baud after reset, as BIOSes leave it
    u8 dlm_ = 0;
    u8 ier_ = 0;
    u8 lcr_ = 0;
    u8 mcr_ = 0;
    u8 scr_ = 0;
    u8 line_errors_ = 0;   // LSR bits 4-1 (only OE can happen here)
    u8 msr_inputs_ = 0xb0; // DCD, DSR, CTS: a connected terminal
    u8 msr_deltas_ = 0;
    bool fifo_enabled_ = false;
    u8 trigger_bits_ = 0;
    bool thre_pending_ = false;
    std::array<u8, fifo_size> rx_{};
    usize rx_head_ = 0;
    usize rx_count_ = 0;
    u64 rx_timeout_at_ = 0;
};

} // namespace realvm::devices
