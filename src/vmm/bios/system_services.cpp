// INT 15h system services (RBIL INT 15h; IBM PC AT Technical Reference "System Services"; ACPI 6.5 §15
// for E820h). Unsupported functions return AH = 86h with CF set, the documented "function not
// supported" answer.
#include "vmm/bios/bios.hpp"

#include "vmm/bios/rom_layout.hpp"

namespace realvm::bios {

using vcpu::Gpr;
using vcpu::Seg;

namespace {
constexpr u32 smap = 0x534d4150; // 'SMAP'
constexpr u8 unsupported = 0x86;

// Base address of a descriptor in the GDT that INT 15h AH=87h is given (bits 0-23 in bytes 2-4, 24-31 in
// byte 7; SDM vol. 3 §3.4.5).
u64 descriptor_base(ServiceCall& call, u64 descriptor) {
    return call.read16(descriptor + 2) | u64(call.read8(descriptor + 4)) << 16 |
           u64(call.read8(descriptor + 7)) << 24;
}
} // namespace

TrapResult Bios::int15_system(ServiceCall& call) {
    TrapResult result{TrapAction::serviced, 0};
    auto fail = [&] {
        unimplemented(call, 0x15);
        call.status(unsupported);
    };
    switch (call.ah()) {
    case 0x24: // A20 gate
        switch (call.al()) {
        case 0x00:
        case 0x01:
            set_a20(call.al() == 0x01);
            call.status(0);
            break;
        case 0x02:
            call.set_al(a20_enabled(call) ? 1 : 0);
            call.status(0);
            break;
        case 0x03: // supported by the keyboard controller and port 92h
            call.set_bx(0x0003);
            call.status(0);
            break;
        default: fail(); break;
        }
        break;
    case 0x4f: break; // keyboard intercept: CF stays as the caller set it (1: process the scancode)
    case 0x86: {      // wait CX:DX microseconds
        result.action = TrapAction::sleep;
        result.sleep_us = u32(call.cx()) << 16 | call.dx();
        call.set_cf(false);
        call.set_ah(0);
        break;
    }
    case 0x87: { // copy CX words between the GDT entries at ES:SI+10h (source) and +18h (destination)
        const u64 gdt = call.linear(Seg::es, call.si());
        const u64 source = descriptor_base(call, gdt + 0x10);
        const u64 destination = descriptor_base(call, gdt + 0x18);
        const bool a20_was = a20_enabled(call); // the copy runs in protected mode with A20 open
        if (!a20_was) set_a20(true);
        u8 chunk[256];
        for (u64 left = u64(call.cx()) * 2, off = 0; left > 0;) {
            const usize n = left < sizeof chunk ? usize(left) : sizeof chunk;
            call.read_bytes(source + off, chunk, n);
            call.write_guest_buffer(destination + off, chunk, n);
            left -= n, off += n;
        }
        if (!a20_was) set_a20(false);
        call.status(0);
        call.set_zf(true);
        break;
    }
    case 0x88: { // KiB above 1 MiB, at most 63 MiB's worth as SeaBIOS reports it
        const u64 kib = map_.kib_1m_to_16m + u64(map_.blocks_above_16m) * 64;
        call.set_ax(u16(kib > 0xfc00 ? 0xfc00 : kib));
        call.set_cf(false);
        break;
    }
    case 0x90: // device busy / interrupt complete: nothing to wait for
    case 0x91: call.status(0); break;
    case 0xc0: // ES:BX = system configuration table
        call.cpu().segment(Seg::es) =
            vcpu::SegmentRegister{bios_segment, bios_rom_base, 0xffff, vcpu::seg_attr::real_mode_data};
        call.set_bx(rom::config_table);
        call.status(0);
        break;
    case 0xe8:
        if (call.al() == 0x01) { // E801h: AX = CX = KiB 1-16 MiB, BX = DX = 64 KiB blocks above 16 MiB
            call.set_ax(u16(map_.kib_1m_to_16m));
            call.set_cx(u16(map_.kib_1m_to_16m));
            call.set_bx(u16(map_.blocks_above_16m));
            call.set_dx(u16(map_.blocks_above_16m));
            call.set_cf(false);
        } else if (call.al() == 0x20 && call.r32(Gpr::rdx) == smap && call.r32(Gpr::rcx) >= 20) {
            const u32 index = call.r32(Gpr::rbx);
            if (index >= map_.count) {
                call.status(unsupported);
                break;
            }
            const E820Entry& e = map_.entries[index];
            const u64 buffer = call.linear(Seg::es, call.di());
            call.write64(buffer, e.base);
            call.write64(buffer + 8, e.length);
            call.write32(buffer + 16, u32(e.type));
            u32 size = 20;
            if (call.r32(Gpr::rcx) >= 24) { // ACPI 3.0 extended attributes: bit 0 "enabled"
                call.write32(buffer + 20, 1);
                size = 24;
            }
            call.set_r32(Gpr::rax, smap);
            call.set_r32(Gpr::rcx, size);
            call.set_r32(Gpr::rbx, index + 1 < map_.count ? index + 1 : 0);
            call.set_cf(false);
        } else {
            fail();
        }
        break;
    default: fail(); break;
    }
    return result;
}

} // namespace realvm::bios
