// Interrupt and exception dispatch: interrupt_entry.S calls interrupt_dispatch() for all 256 vectors.
// Vectors 0-31 are exceptions, 0x20-0x2F the 16 ISA IRQ lines through the remapped 8259 PIC pair.
#pragma once

#include "arch/x86_64/interrupt_frame.hpp"
#include "base/types.hpp"

namespace realvm::kernel {

constexpr u8 irq_vector_base = 0x20; // PIC master at 0x20-0x27, slave at 0x28-0x2F
constexpr unsigned irq_lines = 16;

// Runs in the interrupt, with interrupts off, on the interrupted stack; EOI is sent after it returns.
using IrqHandler = void (*)();

// Installs the handler of an ISA IRQ line (0 = PIT timer, 1 = keyboard, 14/15 = ATA) and unmasks the
// line at the PIC. One handler per line; a second registration panics (the line is shared otherwise).
void register_irq_handler(u8 line, IrqHandler handler);

// A handler for an exception vector that may fix the cause and resume (true) or decline (false),
// e.g. the world switch for faults from guest rings. Declined exceptions dump and panic.
using ExceptionHandler = bool (*)(arch::InterruptFrame& frame);
// A null handler removes the previous one.
void register_exception_handler(u8 vector, ExceptionHandler handler);

// Remaps the PIC to irq_vector_base and masks every line; lines open as handlers register.
void init_interrupts();

// Interrupts serviced so far, per ISA line, and spurious IRQ 7/15 ignored.
u64 irq_count(u8 line);
u64 spurious_irq_count();
// External interrupts that arrived while the CPU ran in ring 1-3 (a guest).
u64 user_ring_interrupt_count();

void handle_exception(arch::InterruptFrame& frame);
void dump_frame(const arch::InterruptFrame& frame);

} // namespace realvm::kernel

namespace realvm::kernel {
// debug=fault: reads an address that is never mapped, to show the exception dump and panic path.
[[noreturn]] void take_deliberate_fault();
// debug=double-fault: switches to an unmapped stack and pushes; the #PF cannot be delivered on that
// stack, so the CPU raises #DF (SDM vol. 3A, table 6-5), which runs on its IST stack.
[[noreturn]] void take_deliberate_double_fault();
// debug=stack-overflow: recurses until the stack runs into its guard page; the #PF cannot be pushed
// there, so it becomes a #DF with a dump from the IST stack.
[[noreturn]] void overflow_the_stack();
// debug=fixup: reads a model-specific register no CPU has; the #GP must be recovered by the fixup.
void check_fault_fixup();
} // namespace realvm::kernel
