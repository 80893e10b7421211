#include "kernel/interrupts.hpp"

#include <array>

#include "kernel/log.hpp"
#include "kernel/pic.hpp"

namespace realvm::kernel {

namespace {
std::array<IrqHandler, irq_lines> irq_handlers{};
std::array<u64, irq_lines> irq_counts{};
u64 spurious_count = 0;
u64 unexpected_count = 0;
u64 user_ring_count = 0;

void handle_irq(u8 line) {
    if (pic::is_spurious(line)) {
        ++spurious_count;
        return;
    }
    ++irq_counts[line];
    if (irq_handlers[line]) irq_handlers[line]();
    pic::end_of_interrupt(line);
}
} // namespace

void init_interrupts() { pic::remap_and_mask(irq_vector_base); }

void register_irq_handler(u8 line, IrqHandler handler) {
    if (line >= irq_lines || !handler) panic("register_irq_handler: bad line {}", line);
    if (irq_handlers[line]) panic("register_irq_handler: IRQ {} already has a handler", line);
    irq_handlers[line] = handler;
    pic::unmask(line);
}

u64 irq_count(u8 line) { return line < irq_lines ? irq_counts[line] : 0; }
u64 spurious_irq_count() { return spurious_count; }
u64 user_ring_interrupt_count() { return user_ring_count; }

} // namespace realvm::kernel

using namespace realvm;

// Called by interrupt_entry.S with interrupts off (all gates are interrupt gates).
extern "C" void interrupt_dispatch(arch::InterruptFrame* frame) {
    const u64 vector = frame->vector;
    if (vector < arch::vector::first_external) {
        kernel::handle_exception(*frame);
    } else if (vector >= kernel::irq_vector_base && vector < kernel::irq_vector_base + kernel::irq_lines) {
        if (frame->privilege_level() != 0) ++kernel::user_ring_count;
        kernel::handle_irq(static_cast<u8>(vector - kernel::irq_vector_base));
    } else if (kernel::unexpected_count++ < 8) {
        kernel::log("RealVM: unexpected interrupt vector 0x{:x} ignored\n", vector);
    }
}
