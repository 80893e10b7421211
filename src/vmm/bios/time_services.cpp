// INT 1Ah time of day (RBIL INT 1Ah; IBM PC AT Technical Reference "Time of Day"): the tick count kept
// by the ROM's IRQ 0 handler in the BDA, and the RTC read and set through CMOS ports 70h/71h in the
// RTC's own format (BCD after reset()), as a PC BIOS does (MC146818A datasheet: registers 0-9, A-D;
// century at 32h per the IBM AT CMOS layout). AH=B1h is the PCI BIOS (pci_services.cpp).
#include "vmm/bios/bios.hpp"

namespace realvm::bios {

namespace {
namespace reg {
constexpr u8 seconds = 0x00, minutes = 0x02, hours = 0x04, day = 0x07, month = 0x08, year = 0x09;
constexpr u8 a = 0x0a, b = 0x0b, century = 0x32;
} // namespace reg
constexpr u8 b_set = 0x80, b_dse = 0x01, b_24h = 0x02;
} // namespace

void Bios::int1a_time(ServiceCall& call) {
    const u64 ticks = bda_base + bda::timer_ticks;
    // The RTC's registers are stable except while an update is in progress (register A bit 7, at most
    // 244 us + update time). VM time does not advance during the call, so wait a bounded number of reads.
    auto wait_update = [&] {
        for (unsigned i = 0; i < 16 && (cmos_read(reg::a) & 0x80); ++i) {
        }
    };
    auto set_registers = [&](const u8(&regs)[3], const u8(&values)[3], u8 extra_b_bits) {
        const u8 old_b = cmos_read(reg::b);
        cmos_write(reg::b, old_b | b_set); // hold updates while writing (datasheet: SET bit)
        for (unsigned i = 0; i < 3; ++i)
            cmos_write(regs[i], values[i]);
        cmos_write(reg::b, u8((old_b & ~b_set) | extra_b_bits));
    };
    switch (call.ah()) {
    case 0x00: // CX:DX ticks since midnight, AL midnight rollovers since the last read (then cleared)
        call.set_cx(call.read16(ticks + 2));
        call.set_dx(call.read16(ticks));
        call.set_al(call.read8(bda_base + bda::timer_rollover));
        call.write8(bda_base + bda::timer_rollover, 0);
        call.set_cf(false);
        break;
    case 0x01:
        call.write16(ticks + 2, call.cx());
        call.write16(ticks, call.dx());
        call.write8(bda_base + bda::timer_rollover, 0);
        call.set_cf(false);
        break;
    case 0x02: // CH hours, CL minutes, DH seconds, DL daylight saving
        wait_update();
        call.set_cx(u16(cmos_read(reg::hours) << 8 | cmos_read(reg::minutes)));
        call.set_dx(u16(cmos_read(reg::seconds) << 8 | (cmos_read(reg::b) & b_dse)));
        call.set_ah(0);
        call.set_al(call.ch());
        call.set_cf(false);
        break;
    case 0x03: {
        const u8 regs[3] = {reg::hours, reg::minutes, reg::seconds};
        const u8 values[3] = {call.ch(), call.cl(), call.dh()};
        const u8 keep = u8(cmos_read(reg::b) & 0x64); // interrupt enables and data mode
        set_registers(regs, values, u8(keep | b_24h | (call.dl() & b_dse)));
        call.set_ah(0);
        call.set_cf(false);
        break;
    }
    case 0x04: // CH century, CL year, DH month, DL day
        wait_update();
        call.set_cx(u16(cmos_read(reg::century) << 8 | cmos_read(reg::year)));
        call.set_dx(u16(cmos_read(reg::month) << 8 | cmos_read(reg::day)));
        call.set_ah(0);
        call.set_cf(false);
        break;
    case 0x05: {
        const u8 regs[3] = {reg::year, reg::month, reg::day};
        const u8 values[3] = {call.cl(), call.dh(), call.dl()};
        set_registers(regs, values, u8(cmos_read(reg::b) & ~b_set));
        cmos_write(reg::century, call.ch());
        call.set_ah(0);
        call.set_cf(false);
        break;
    }
    case 0xb1: pci_bios(call); break;
    default:
        unimplemented(call, 0x1a);
        call.set_cf(true);
        break;
    }
}

} // namespace realvm::bios
