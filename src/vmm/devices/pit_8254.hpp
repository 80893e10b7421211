// The 8254 programmable interval timer (ports 0x40-0x43) and the PC's system control port B (0x61),
// which carries channel 2's gate, the speaker enable, channel 2's OUT and the refresh toggle.
//
// Counting elements are not stepped: each channel remembers when its count was loaded, and the count,
// OUT and the next IRQ 0 edge are computed from the VM's virtual clock with integer math at 1.193182 MHz.
// References: Intel 8254 datasheet (order 231164): "Control Word Format", "Read Operations" (counter
// latch, read-back), "Mode Definitions" (modes 0-5), "Gate" table; PIIX3 datasheet §4.7.1 "NMI Status
// and Control Register" (port 0x61).
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/irq_line.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class Pit8254 final : public PortDevice {
  public:
    static constexpr u16 base = 0x40;
    static constexpr u16 control_port = 0x43;
    static constexpr u16 port_b = 0x61;
    static constexpr u64 input_hz = 1193182;

    Pit8254(Clock& clock, IrqLine irq0) : clock_(clock), irq0_(irq0) {}

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

    // Delivers the IRQ 0 edge if channel 0's OUT has risen by `now_ns`. Missed periods are coalesced
    // into one edge (as the 8259's edge latch would do).
    void advance(u64 now_ns);
    // When channel 0's OUT next rises (no_event if it will not).
    u64 next_event_ns();

    // For tests and the speaker: channel n's current OUT level and count.
    bool output(unsigned channel);
    u16 current_count(unsigned channel);

    // Integer conversions between nanoseconds and input clock ticks.
    static u64 ticks_in(u64 ns);
    static u64 ns_for_ticks(u64 ticks); // the first instant at which `ticks` ticks have elapsed

  private:
    enum class Access : u8 { latch = 0, low = 1, high = 2, low_high = 3 };
    static constexpr u64 no_tick = ~u64(0);

    struct Channel {
        u8 mode = 0;            // effective mode 0-5
        u8 programmed_mode = 0; // the M2-M0 bits as written (status byte)
        Access access = Access::low_high;
        bool bcd = false;
        bool gate = true;
        u32 count = 0x10000; // the count register as a number of clocks (0 means 65536 or 10000)
        u8 low_written = 0;
        bool expect_high = false; // low/high write: first byte seen
        bool read_high = false;   // low/high read flip-flop of the live count
        bool count_latched = false;
        u16 latched_count = 0;
        bool latched_read_high = false;
        bool status_latched = false;
        u8 latched_status = 0;
        bool loaded = false;    // a count was written since the control word
        bool running = false;   // the counting element decrements
        bool triggered = false; // modes 1 and 5: a gate edge started the count
        u64 written_ns = 0;
        u64 start_ns = 0;
        u64 tick_offset = 0;
        u64 next_irq_tick = no_tick;
        // Modes 2 and 3: a count written while counting takes over at the end of the current period;
        // modes 1 and 5: at the next trigger ("Mode Definitions").
        bool reload_pending = false;
        u32 reload_count = 0;
        u64 reload_tick = 0;
    };

    u64 elapsed(const Channel& ch, u64 now) const;
    bool output_at(const Channel& ch, u64 now) const;
    u16 count_at(const Channel& ch, u64 now) const;
    u8 status_of(const Channel& ch, u64 now) const;
    void write_control(u8 value, u64 now);
    void write_count(Channel& ch, u8 value, u64 now);
    void load(Channel& ch, u32 raw, u64 now);
    u8 read_counter(Channel& ch, u64 now);
    void set_gate(Channel& ch, bool level, u64 now);
    bool settle(Channel& ch, u64 now); // applies a pending reload that is due; true if it did
    void settle_all(u64 now);

    Clock& clock_;
    IrqLine irq0_;
    std::array<Channel, 3> channels_{};
    u8 port_b_ = 0; // bits 0-3 as written: gate 2, speaker data, parity/IOCHK check enables
};

} // namespace realvm::devices
