#include "kernel/pic.hpp"

#include "arch/x86_64/port_io.hpp"

namespace realvm::kernel::pic {

namespace {
constexpr u16 master_command = 0x20, master_data = 0x21, slave_command = 0xA0, slave_data = 0xA1;
constexpr u8 icw1_init_with_icw4 = 0x11; // ICW1: init, edge triggered, cascade, ICW4 needed
constexpr u8 icw4_8086_mode = 0x01;
constexpr u8 ocw2_eoi = 0x20;      // non-specific end of interrupt
constexpr u8 ocw3_read_isr = 0x0B; // the next read of the command port returns the ISR
constexpr u8 cascade_line = 2;

u8 master_mask = 0xFF, slave_mask = 0xFF;

// A short delay between ICWs for old controllers: a write to the unused port 0x80 (POST code port).
void io_wait() { arch::out8(0x80, 0); }

void write_masks() {
    arch::out8(master_data, master_mask);
    arch::out8(slave_data, slave_mask);
}
} // namespace

void remap_and_mask(u8 vector_base) {
    arch::out8(master_command, icw1_init_with_icw4), io_wait();
    arch::out8(slave_command, icw1_init_with_icw4), io_wait();
    arch::out8(master_data, vector_base), io_wait(); // ICW2: vector base
    arch::out8(slave_data, vector_base + 8), io_wait();
    arch::out8(master_data, 1 << cascade_line), io_wait(); // ICW3: slave on line 2
    arch::out8(slave_data, cascade_line), io_wait();       // ICW3: slave identity
    arch::out8(master_data, icw4_8086_mode), io_wait();
    arch::out8(slave_data, icw4_8086_mode), io_wait();
    master_mask = slave_mask = 0xFF;
    write_masks();
}

void unmask(u8 line) {
    if (line < 8) {
        master_mask &= u8(~(1u << line));
    } else {
        slave_mask &= u8(~(1u << (line - 8)));
        master_mask &= u8(~(1u << cascade_line)); // the slave reaches the CPU only through line 2
    }
    write_masks();
}

void mask(u8 line) {
    if (line < 8)
        master_mask |= u8(1u << line);
    else
        slave_mask |= u8(1u << (line - 8));
    write_masks();
}

void end_of_interrupt(u8 line) {
    if (line >= 8) arch::out8(slave_command, ocw2_eoi);
    arch::out8(master_command, ocw2_eoi);
}

bool is_spurious(u8 line) {
    if (line != 7 && line != 15) return false;
    const u16 command = line == 7 ? master_command : slave_command;
    arch::out8(command, ocw3_read_isr);
    const bool in_service = arch::in8(command) & 0x80;
    // A spurious IRQ 15 still came through the master's cascade line, which needs its EOI.
    if (!in_service && line == 15) arch::out8(master_command, ocw2_eoi);
    return !in_service;
}

} // namespace realvm::kernel::pic
