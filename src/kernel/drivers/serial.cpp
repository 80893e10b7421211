#include "kernel/drivers/serial.hpp"

#include "arch/x86_64/port_io.hpp"

namespace realvm::kernel {
namespace {
// 16550 register offsets (PC16550D datasheet, table II).
constexpr u16 data = 0, interrupt_enable = 1, fifo_control = 2, line_control = 3, modem_control = 4,
              line_status = 5;
constexpr u8 lsr_data_ready = 0x01, lsr_thr_empty = 0x20;
} // namespace

void SerialPort::init(u32 baud) {
    const u16 divisor = static_cast<u16>(115200 / baud);
    arch::out8(base_ + interrupt_enable, 0x00);
    arch::out8(base_ + line_control, 0x80); // DLAB
    arch::out8(base_ + data, static_cast<u8>(divisor));
    arch::out8(base_ + interrupt_enable, static_cast<u8>(divisor >> 8));
    arch::out8(base_ + line_control, 0x03);  // 8N1
    arch::out8(base_ + fifo_control, 0xC7);  // FIFO on, cleared, 14-byte threshold
    arch::out8(base_ + modem_control, 0x03); // DTR, RTS
}

void SerialPort::put(char c) {
    for (unsigned spins = 0; spins < 1'000'000; ++spins)
        if (arch::in8(base_ + line_status) & lsr_thr_empty) break;
    arch::out8(base_ + data, static_cast<u8>(c));
}

void SerialPort::write(const char* text, usize length) {
    for (usize i = 0; i < length; ++i) {
        if (text[i] == '\n') put('\r');
        put(text[i]);
    }
}

int SerialPort::try_read() {
    if (!(arch::in8(base_ + line_status) & lsr_data_ready)) return -1;
    return arch::in8(base_ + data);
}

SerialPort& com1() {
    static SerialPort port(0x3F8);
    return port;
}

} // namespace realvm::kernel
