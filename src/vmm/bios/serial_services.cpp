// INT 14h serial ports and INT 17h printers (RBIL INT 14h/17h; IBM PC AT Technical Reference
// "Communications" and "Printer"). The UART is reached through the VM's ports (16550A datasheet:
// THR/RBR 0, DLL/DLM 0-1 with LCR.DLAB, LCR 3, MCR 4, LSR 5, MSR 6).
#include "vmm/bios/bios.hpp"

namespace realvm::bios {

namespace {
constexpr u16 baud_divisors[8] = {1047, 768, 384, 192, 96, 48, 24, 12}; // 110 ... 9600 baud (115200/rate)
constexpr u8 lsr_data_ready = 0x01, lsr_thr_empty = 0x20, status_timeout = 0x80;
} // namespace

void Bios::int14_serial(ServiceCall& call) {
    const u16 index = call.dx();
    const u16 base = index < 4 ? call.read16(bda_base + bda::com_ports + 2 * index) : 0;
    if (base == 0) { // no such port
        call.set_ah(status_timeout);
        return;
    }
    auto port = [&](u16 off) { return Port(u16(base + off)); };
    auto line_status = [&] { return u8(ports_.in(port(5), 1)); };
    // The BIOS polls for a bounded time (40:7C timeouts); VM time stands still during the call, so a
    // bounded number of polls is the equivalent.
    auto wait_for = [&](u8 bits) {
        for (unsigned i = 0; i < 256; ++i)
            if (line_status() & bits) return true;
        return false;
    };
    switch (call.ah()) {
    case 0x00: { // initialise: AL bits 7-5 rate, 4-3 parity, 2 stop bits, 1-0 word length
        const u8 params = call.al();
        const u16 divisor = baud_divisors[params >> 5];
        ports_.out(port(3), 1, 0x80);
        ports_.out(port(0), 1, divisor & 0xff);
        ports_.out(port(1), 1, divisor >> 8);
        ports_.out(port(3), 1, params & 0x1f);
        ports_.out(port(1), 1, 0x00); // no UART interrupts
        call.set_ah(line_status());
        call.set_al(u8(ports_.in(port(6), 1)));
        break;
    }
    case 0x01: { // send AL
        const bool ready = wait_for(lsr_thr_empty);
        if (ready) ports_.out(port(0), 1, call.al());
        call.set_ah(u8(line_status() | (ready ? 0 : status_timeout)));
        break;
    }
    case 0x02: { // receive into AL
        if (wait_for(lsr_data_ready)) {
            call.set_al(u8(ports_.in(port(0), 1)));
            call.set_ah(u8(line_status() & 0x1e));
        } else {
            call.set_ah(u8(line_status() | status_timeout));
        }
        break;
    }
    case 0x03:
        call.set_ah(line_status());
        call.set_al(u8(ports_.in(port(6), 1)));
        break;
    default: unimplemented(call, 0x14); break;
    }
}

void Bios::int17_printer(ServiceCall& call) {
    // RealVM's VMs have no parallel ports (40:08 is zero): every function reports a timeout.
    if (call.ah() > 0x02) unimplemented(call, 0x17);
    call.set_ah(0x01);
}

} // namespace realvm::bios
