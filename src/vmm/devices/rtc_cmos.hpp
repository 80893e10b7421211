// The MC146818 real-time clock and CMOS RAM behind ports 0x70 (index, bit 7 = NMI disable) and 0x71.
//
// Time is the wall-clock start time given at construction plus the VM's virtual clock, so a paused VM's
// clock stands still. References: Motorola MC146818A datasheet: "Address Map" (Table 2), "Time, Calendar
// and Alarm Data Modes" (Table 3), "Register A" (UIP, DV2-0, RS3-0 and Table 5 periodic rates),
// "Register B" (SET, PIE, AIE, UIE, DM, 24/12), "Register C" (IRQF, PF, AF, UF), "Register D" (VRT),
// "Update Cycle" (UIP rises 244 us before the update).
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/civil_time.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/irq_line.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class RtcCmos final : public PortDevice {
  public:
    static constexpr u16 index_port = 0x70;
    static constexpr u16 data_port = 0x71;
    static constexpr u8 century_register = 0x32; // IBM PC/AT convention (also in the ACPI FADT)

    RtcCmos(Clock& clock, IrqLine irq8, u64 wall_start_unix_seconds);

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

    // Sets periodic/alarm/update flags that are due and raises IRQ 8 as register B enables it.
    void advance(u64 now_ns);
    u64 next_event_ns();

    // CMOS RAM outside the clock registers (0x0e-0x7f), for the BIOS bytes the platform fills in.
    void set_nvram(u8 index, u8 value) { ram_[index & 0x7f] = value; }
    u8 nvram(u8 index) const { return ram_[index & 0x7f]; }
    bool nmi_enabled() const { return !nmi_disabled_; }
    // The current date and time as the clock holds it.
    CivilTime time();

  private:
    static constexpr u64 ns_per_s = 1000000000;
    static constexpr u64 uip_lead_ns = 244000;

    bool divider_running() const { return ((ram_[0x0a] >> 4) & 6) != 6; } // DV = 11x: divider reset
    bool updating() const { return divider_running() && !(ram_[0x0b] & 0x80); }
    u64 wall_ns(u64 now) const { return offset_ns_ + now; }
    CivilTime time_at(u64 now) const;
    u8 encode(u32 value) const;
    u32 decode(u8 value) const;
    u8 read_register(u8 index, u64 now);
    void write_register(u8 index, u8 value, u64 now);
    void set_time(const CivilTime& t, u64 now, u64 first_update_in_ns);
    void stop(u64 now);
    void catch_up(u64 now);
    void check_alarm(u64 unix_seconds);
    u64 periodic_ticks() const; // the periodic interrupt period in 32.768 kHz clocks (0: off)
    void update_irq();

    Clock& clock_;
    IrqLine irq8_;
    std::array<u8, 128> ram_{};
    u8 index_ = 0;
    bool nmi_disabled_ = false;
    u64 offset_ns_ = 0; // Unix time in ns at virtual time 0, while the clock runs
    bool stopped_ = false;
    CivilTime held_{}; // the time registers while SET or a divider reset holds them
    u64 processed_ns_ = 0;
    u64 periodic_base_ns_ = 0;
    u64 periodic_done_ = 0;
};

} // namespace realvm::devices
