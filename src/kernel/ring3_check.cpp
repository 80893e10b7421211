#include "kernel/ring3_check.hpp"

#include <array>

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/descriptor_tables.hpp"
#include "arch/x86_64/page_table.hpp"
#include "kernel/direct_map.hpp"
#include "kernel/interrupts.hpp"
#include "kernel/log.hpp"
#include "kernel/paging.hpp"
#include "kernel/per_cpu.hpp"
#include "kernel/physical_memory.hpp"

extern "C" realvm::u64 ring3_excursion(realvm::u64 rip, realvm::u64 rsp, realvm::u64 cs, realvm::u64 ss);
extern "C" char ring3_excursion_return[];
extern "C" realvm::u64 ring3_excursion_saved_rsp;

namespace realvm::kernel {

namespace {

using namespace arch;

constexpr u64 user_code = 0x400000, user_stack_page = 0x401000;
// Ring 1 runs on supervisor pages: with CR4.SMEP, CPL 0-2 may not execute user pages (SDM vol. 3A,
// 4.6.1), so a 32-bit guest kernel's pages must be supervisor pages in its shadow tables.
constexpr u64 ring1_code = 0x402000, ring1_stack_page = 0x403000;

// Ring-3 code (assembled by hand, SDM vol. 2 encodings):
//   mov $0x400000, %ecx; 1: dec %rcx; jnz 1b     -- long enough for timer interrupts in ring 3
//   mov $0x1234, %eax; push %rax; pop %rbx      -- the user stack works
//   hlt                                         -- privileged: #GP(0) at CPL 3
//   mov 0xffff800000100000, %rax                -- monitor memory: #PF (present, user)
constexpr std::array<u8, 30> user_program = {
    0xB9, 0x00, 0x00, 0x40, 0x00,                               // mov $0x400000, %ecx
    0x48, 0xFF, 0xC9,                                           // dec %rcx
    0x75, 0xFB,                                                 // jnz -5
    0xB8, 0x34, 0x12, 0x00, 0x00,                               // mov $0x1234, %eax
    0x50, 0x5B,                                                 // push %rax; pop %rbx
    0xF4,                                                       // hlt
    0x48, 0xA1, 0x00, 0x00, 0x10, 0x00, 0x00, 0x80, 0xFF, 0xFF, // movabs 0xffff800000100000, %rax
    0xF4,                                                       // hlt (not reached)
    0x90,
};
constexpr u64 second_trap_offset = 18; // the movabs

// 32-bit ring-1 code (compatibility mode): the same loop and stack use, then HLT -> #GP(0).
constexpr std::array<u8, 16> ring1_program = {
    0xB9, 0x00, 0x00, 0x40, 0x00, // mov $0x400000, %ecx
    0x49,                         // dec %ecx
    0x75, 0xFD,                   // jnz -3
    0xB8, 0x34, 0x12, 0x00, 0x00, // mov $0x1234, %eax
    0x50, 0x5B,                   // push %eax; pop %ebx
    0xF4,                         // hlt
};

struct Trap {
    u64 vector = ~u64(0), error_code = 0, rip = 0, rbx = 0, cr2 = 0;
    bool per_cpu_ok = false;
};
Trap last_trap;

// A trap from ring 3 ends the excursion: record it, then resume the monitor where it left.
bool end_excursion(InterruptFrame& frame) {
    if (frame.privilege_level() == 0) return false;
    last_trap = {frame.vector, frame.error_code, frame.rip,
                 frame.rbx,    read_cr2(),       &this_cpu() == this_cpu().self};
    frame.rip = reinterpret_cast<u64>(ring3_excursion_return);
    frame.cs = selector::kernel_code;
    frame.ss = selector::kernel_data;
    frame.rsp = ring3_excursion_saved_rsp;
    frame.rflags = 0x202;
    return true;
}

HostPhys take_page() {
    const std::optional<HostPhys> page = physical_memory().allocate_page();
    if (!page) panic("ring3 check: out of memory");
    u64* words = phys_ptr<u64>(*page);
    for (unsigned i = 0; i < page_table_entries; ++i)
        words[i] = 0;
    return *page;
}

} // namespace

void check_ring3() {
    // A guest-like address space: the monitor's upper half, and in slot 0 one PDPT -> PD -> PT with a
    // user code and stack page for ring 3 and a supervisor code and stack page for ring 1.
    const HostPhys root = new_address_space_root();
    const HostPhys pdpt = take_page(), pd = take_page(), pt = take_page(), code = take_page(),
                   stack = take_page();
    const HostPhys code1 = take_page(), stack1 = take_page();
    const u64 table_flags = pte::present | pte::writable | pte::user;
    phys_ptr<u64>(root)[0] = pdpt.value() | table_flags;
    phys_ptr<u64>(pdpt)[0] = pd.value() | table_flags;
    phys_ptr<u64>(pd)[page_table_index(user_code, 2)] = pt.value() | table_flags;
    phys_ptr<u64>(pt)[page_table_index(user_code, 1)] = code.value() | pte::present | pte::user;
    phys_ptr<u64>(pt)[page_table_index(user_stack_page, 1)] =
        stack.value() | pte::present | pte::writable | pte::user | pte::no_execute;
    phys_ptr<u64>(pt)[page_table_index(ring1_code, 1)] = code1.value() | pte::present;
    phys_ptr<u64>(pt)[page_table_index(ring1_stack_page, 1)] =
        stack1.value() | pte::present | pte::writable | pte::no_execute;
    for (usize i = 0; i < user_program.size(); ++i)
        phys_ptr<u8>(code)[i] = user_program[i];
    for (usize i = 0; i < ring1_program.size(); ++i)
        phys_ptr<u8>(code1)[i] = ring1_program[i];

    register_exception_handler(vector::general_protection, end_excursion);
    register_exception_handler(vector::page_fault, end_excursion);
    const u64 monitor_root = read_cr3();
    write_cr3(root.value());

    const u64 user_irqs_before = user_ring_interrupt_count();
    ring3_excursion(user_code, user_stack_page + page_size, selector::user_code64, selector::user_data);
    const Trap hlt_trap = last_trap;
    const u64 user_irqs = user_ring_interrupt_count() - user_irqs_before;
    ring3_excursion(user_code + second_trap_offset, user_stack_page + page_size, selector::user_code64,
                    selector::user_data);
    const Trap read_trap = last_trap;
    const u64 ring1_irqs_before = user_ring_interrupt_count();
    ring3_excursion(ring1_code, ring1_stack_page + page_size, selector::ring1_code32, selector::ring1_data);
    const Trap ring1_trap = last_trap;
    const u64 ring1_irqs = user_ring_interrupt_count() - ring1_irqs_before;

    write_cr3(monitor_root);
    register_exception_handler(vector::general_protection, nullptr);
    register_exception_handler(vector::page_fault, nullptr);
    for (const HostPhys page : std::array{code, stack, code1, stack1, pt, pd, pdpt})
        physical_memory().free(page, page_size);
    free_address_space_root(root);

    if (hlt_trap.vector != vector::general_protection || hlt_trap.error_code != 0 ||
        hlt_trap.rip != user_code + 17 || hlt_trap.rbx != 0x1234 || !hlt_trap.per_cpu_ok)
        panic("ring3 check: HLT in ring 3 gave vector {} error {:x} at {:x}, rbx {:x}", hlt_trap.vector,
              hlt_trap.error_code, hlt_trap.rip, hlt_trap.rbx);
    // #PF error code: P=1 (protection), U=1 (user access), read (SDM vol. 3A, figure 4-12).
    if (read_trap.vector != vector::page_fault || read_trap.error_code != 5 ||
        read_trap.cr2 != 0xffff800000100000 || !read_trap.per_cpu_ok)
        panic("ring3 check: reading monitor memory from ring 3 gave vector {} error {:x} address {:x}",
              read_trap.vector, read_trap.error_code, read_trap.cr2);
    if (ring1_trap.vector != vector::general_protection || ring1_trap.error_code != 0 ||
        ring1_trap.rip != ring1_code + 15 || ring1_trap.rbx != 0x1234 || !ring1_trap.per_cpu_ok)
        panic("ring3 check: HLT in 32-bit ring 1 gave vector {} error {:x} at {:x}, rbx {:x}",
              ring1_trap.vector, ring1_trap.error_code, ring1_trap.rip, ring1_trap.rbx);
    log("RealVM: debug=ring3: ring 3 ran with {} timer interrupts, HLT -> #GP(0), monitor read -> #PF(5); "
        "per-CPU GS intact\n",
        user_irqs);
    log("RealVM: debug=ring3: 32-bit ring 1 ran with {} timer interrupts, HLT -> #GP(0)\n", ring1_irqs);
}

} // namespace realvm::kernel
