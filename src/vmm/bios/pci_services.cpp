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
    case 0x08: // read configuration byte/word/dword into CL/CX/ECX; 0Bh-0Dh write them
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d: {
        const bool write = call.al() >= 0x0b;
        const unsigned size = 1u << ((call.al() - (write ? 0x0b : 0x08)));
        const u32 mask = size == 4 ? 0xffffffff : (1u << (8 * size)) - 1;
        if (reg > 0xff || (reg & (size - 1))) {
            finish(status::bad_register);
            break;
        }
        // Any bus number goes to the host bridge, which answers all ones for buses that do not exist.
        ports_.out(Port(0xcf8), 4, address(call.bh(), devfn, reg));
        const Port data(u16(0xcfc + (reg & 3)));
        if (write) {
            ports_.out(data, size, call.r32(Gpr::rcx) & mask);
        } else {
            const u32 v = ports_.in(data, size) & mask;
            call.set_r32(Gpr::rcx, (call.r32(Gpr::rcx) & ~mask) | v);
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
