// The monitor's clock: a periodic interrupt at tick_hz from the 8254 PIT, channel 0, on IRQ 0.
//
// Why the PIT and not the local APIC timer: the PIT's input clock is fixed by the PC architecture
// (1.193182 MHz), so the tick needs no calibration, which under TCG (QEMU's emulation, where time per
// instruction varies wildly) would be unreliable; and it arrives through the PIC the monitor already
// programs. The LAPIC timer becomes the choice once the monitor brings up the APICs (SMP, MSI).
#pragma once

#include "base/types.hpp"

namespace realvm::kernel {

constexpr u32 tick_hz = 1000;

// Programs the PIT and registers the IRQ 0 handler; ticks start once interrupts are enabled.
void init_timer();

// Timer interrupts since init_timer(): monotonic, never wraps in practice (2^64 ms).
u64 ticks();
// Nanoseconds since init_timer(), from the tick count and the PIT's exact period; monotonic.
u64 now_ns();

// Waits at least `ms` milliseconds, halting between ticks. Interrupts must be enabled.
void sleep_ms(u64 ms);

// One boot-report line: the source, the rate, ticks so far, and a measured sleep_ms(10).
void report_timer();

// Called once per tick after the count is updated (the scheduler's hook later); may be null.
using TickHandler = void (*)(u64 tick);
void set_tick_handler(TickHandler handler);

} // namespace realvm::kernel
