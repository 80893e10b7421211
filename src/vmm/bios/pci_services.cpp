// The PCI BIOS, INT 1Ah AH=B1h (PCI BIOS Specification 2.1 §2.3-2.6): installation check, device and
// class searches, configuration space access through configuration mechanism #1 (ports CF8h/CFCh, PCI
// Local Bus Specification §3.2.2.3.2), on bus 0 of the VM's filtered configuration space.
#include "vmm/bios/bios.hpp"

namespace realvm::bios {

using vcpu::Gpr;

namespace {
namespace status {
constexpr u8 ok = 0x00, unsupported = 0x81, bad_vendor = 0x83, not_found = 0x86, bad_register = 0x87;
}

u32 address(u8 bus, u8 devfn, u16 reg) {
    return 0x80000000u | u32(bus) << 16 | u32(devfn) << 8 | (reg & 0xfc);
}
} // namespace

void Bios::pci_bios(ServiceCall& call) {
    auto read = [&](u8 devfn, u16 reg, unsigned size) {
        ports_.out(Port(0xcf8), 4, address(0, devfn, reg));
        return ports_.in(Port(u16(0xcfc + (reg & 3))), size);
    };
    auto finish = [&](u8 s) { call.status(s); };
    // Walks bus 0's functions; `match` decides, `index` (SI) selects the n-th match.
    auto find = [&](auto match) {
        u16 index = call.si();
        for (unsigned dev = 0; dev < 32; ++dev) {
            for (unsigned fn = 0; fn < 8; ++fn) {
                const u8 devfn = u8(dev << 3 | fn);
                const u32 id = read(devfn, 0, 4);
                if (u16(id) == 0xffff) {
                    if (fn == 0) break;
                    continue;
                }
                if (match(devfn, id) && index-- == 0) {
                    call.set_bx(devfn); // BH = bus 0, BL = device/function
                    finish(status::ok);
                    return;
                }
                if (fn == 0 && !(read(devfn, 0x0e, 1) & 0x80)) break; // single-function device
            }
        }
        finish(status::not_found);
    };
    const u8 devfn = call.bl();
    const u16 reg = call.di();
    const bool on_bus0 = call.bh() == 0;
    switch (call.al()) {
    case 0x01: // installation check: mechanism #1, version 2.10, last bus 0, EDX = 'PCI '
        call.set_r32(Gpr::rdx, 0x20494350);
        call.set_al(0x01);
        call.set_bx(0x0210);
        call.set_low(Gpr::rcx, 0);
        call.set_r32(Gpr::rdi, 0); // no 32-bit entry point (no BIOS32 service directory)
        finish(status::ok);
        break;
    case 0x02:
        if (call.dx() == 0xffff) {
            finish(status::bad_vendor);
            break;
        }
        find([&](u8, u32 id) { return u16(id) == call.dx() && u16(id >> 16) == call.cx(); });
        break;
    case 0x03:
        find([&](u8 df, u32) { return (read(df, 0x08, 4) >> 8) == (call.r32(Gpr::rcx) & 0xffffff); });
        break;
    case 0x08:
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d: {
        const unsigned size = (call.al() == 0x08 || call.al() == 0x0b)   ? 1
                              : (call.al() == 0x09 || call.al() == 0x0c) ? 2
                                                                         : 4;
        if (reg > 0xff || (reg & (size - 1))) {
            finish(status::bad_register);
            break;
        }
        const bool write = call.al() >= 0x0b;
        if (!on_bus0) { // only bus 0 exists: reads float, writes vanish
            if (!write)
                call.set_r32(Gpr::rcx,
                             size == 4 ? 0xffffffff : (call.r32(Gpr::rcx) | (size == 2 ? 0xffff : 0xff)));
            finish(status::ok);
            break;
        }
        if (write) {
            ports_.out(Port(0xcf8), 4, address(0, devfn, reg));
            ports_.out(Port(u16(0xcfc + (reg & 3))), size,
                       call.r32(Gpr::rcx) & (size == 4   ? 0xffffffff
                                             : size == 2 ? 0xffff
                                                         : 0xff));
        } else {
            const u32 v = read(devfn, reg, size);
            if (size == 1)
                call.set_low(Gpr::rcx, u8(v));
            else if (size == 2)
                call.set_cx(u16(v));
            else
                call.set_r32(Gpr::rcx, v);
        }
        finish(status::ok);
        break;
    }
    default:
        unimplemented(call, 0x1a);
        finish(status::unsupported);
        break;
    }
}

} // namespace realvm::bios
