#include "kernel/per_cpu.hpp"

#include "arch/x86_64/cpu.hpp"

extern "C" char boot_stack_guard[]; // boot.S: below the stack monitor_main runs on

namespace realvm::kernel {

namespace {
constexpr usize stack_size = 16 * KiB;
// The boot CPU's stacks, each above an unmapped guard page: RSP0 (entries from guest rings), then one
// per IST slot.
struct alignas(4096) GuardedStack {
    u8 guard[4 * KiB];
    u8 stack[stack_size];
};
GuardedStack boot_cpu_stacks[1 + arch::ist::count];
PerCpu boot_cpu;
} // namespace

void init_boot_cpu() {
    PerCpu& cpu = boot_cpu;
    cpu.self = &cpu;
    cpu.cpu_id = 0;
    cpu.kernel_stack_top = reinterpret_cast<u64>(boot_cpu_stacks[0].stack + stack_size);
    cpu.tss.rsp[0] = cpu.kernel_stack_top;
    for (unsigned slot = 1; slot <= arch::ist::count; ++slot)
        cpu.tss.ist[slot - 1] = reinterpret_cast<u64>(boot_cpu_stacks[slot].stack + stack_size);
    arch::load_gdt(cpu.gdt, cpu.tss);
    // Loading GS (in load_gdt, or by anyone later) zeroes the base; write the MSR after it.
    arch::wrmsr(arch::msr::gs_base, reinterpret_cast<u64>(&cpu));
    arch::wrmsr(arch::msr::kernel_gs_base, 0);
    arch::load_idt();
}

std::span<const u64> stack_guard_pages() {
    static u64 pages[2 + arch::ist::count];
    pages[0] = reinterpret_cast<u64>(boot_stack_guard);
    for (unsigned i = 0; i <= arch::ist::count; ++i)
        pages[1 + i] = reinterpret_cast<u64>(boot_cpu_stacks[i].guard);
    return pages;
}

CpuStackStats cpu_stack_stats() { return {sizeof(boot_cpu_stacks) + 4 * KiB + stack_size}; }

} // namespace realvm::kernel
