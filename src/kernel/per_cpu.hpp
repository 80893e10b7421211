// The per-CPU area, reached through the GS base (IA32_GS_BASE while the monitor runs; the entry stubs
// SWAPGS when an interrupt comes from a guest ring). gs:0 holds the area's own address, so one
// `mov %gs:0` finds it (the same trick as Linux's and NOVA's per-CPU data).
#pragma once

#include <span>

#include "arch/x86_64/descriptor_tables.hpp"
#include "base/types.hpp"

namespace realvm::kernel {

struct PerCpu {
    PerCpu* self; // must stay first: this_cpu() reads gs:0
    u32 cpu_id;
    void* current_context; // what this CPU runs: the vCPU the world switch enters (null: the monitor)
    u64 kernel_stack_top;  // TSS.RSP0: where an interrupt from a guest ring lands
    arch::Tss tss;
    arch::Gdt gdt;
};

// Sets up the boot CPU's area, its GDT, TSS (RSP0 and the IST stacks) and GS base, and loads the
// shared IDT. The stacks are static, so this works before any memory manager exists.
void init_boot_cpu();

inline PerCpu& this_cpu() {
    PerCpu* self;
    asm volatile("movq %%gs:0, %0" : "=r"(self));
    return *self;
}

// The pages just below each monitor stack (the boot stack, RSP0 and IST stacks), which the page
// tables leave unmapped: an overflow faults there, and the #DF on its IST stack reports it.
std::span<const u64> stack_guard_pages();

struct CpuStackStats {
    u64 bytes; // RSP0 and IST stacks of all CPUs, in the image's bss
};
CpuStackStats cpu_stack_stats();

} // namespace realvm::kernel
