#include "kernel/per_cpu.hpp"

#include "arch/x86_64/cpu.hpp"

namespace realvm::kernel {

namespace {
constexpr usize stack_size = 16 * KiB;
// The boot CPU's stacks: RSP0 (entries from guest rings), then one per IST slot.
alignas(16) u8 boot_cpu_stacks[1 + arch::ist::count][stack_size];
PerCpu boot_cpu;
} // namespace

void init_boot_cpu() {
    PerCpu& cpu = boot_cpu;
    cpu.self = &cpu;
    cpu.cpu_id = 0;
    cpu.kernel_stack_top = reinterpret_cast<u64>(boot_cpu_stacks[0] + stack_size);
    cpu.tss.rsp[0] = cpu.kernel_stack_top;
    for (unsigned slot = 1; slot <= arch::ist::count; ++slot)
        cpu.tss.ist[slot - 1] = reinterpret_cast<u64>(boot_cpu_stacks[slot] + stack_size);
    arch::load_gdt(cpu.gdt, cpu.tss);
    // Loading GS (in load_gdt, or by anyone later) zeroes the base; write the MSR after it.
    arch::wrmsr(arch::msr::gs_base, reinterpret_cast<u64>(&cpu));
    arch::wrmsr(arch::msr::kernel_gs_base, 0);
    arch::load_idt();
}

CpuStackStats cpu_stack_stats() { return {sizeof(boot_cpu_stacks)}; }

} // namespace realvm::kernel
