// Exceptions the monitor does not expect: a full register dump on the console, then panic.
#include <string_view>

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/fault_fixup.hpp"
#include "kernel/interrupts.hpp"
#include "kernel/log.hpp"
#include "kernel/paging.hpp"

namespace realvm::kernel {

namespace {

using arch::InterruptFrame;

std::array<ExceptionHandler, arch::vector::first_external> exception_handlers{};

// Exception depth: 1 while dumping; a fault during the dump or the panic makes it 2 (one short line,
// then stop), anything deeper stops silently. A plain global, not per-CPU: GS may be what is broken.
u32 exception_depth = 0;

struct ExceptionName {
    std::string_view mnemonic, name;
};

// SDM vol. 3A, table 6-1 "Protected-Mode Exceptions and Interrupts".
ExceptionName exception_name(u64 vector) {
    switch (vector) {
    case 0: return {"#DE", "divide error"};
    case 1: return {"#DB", "debug"};
    case 2: return {"NMI", "non-maskable interrupt"};
    case 3: return {"#BP", "breakpoint"};
    case 4: return {"#OF", "overflow"};
    case 5: return {"#BR", "BOUND range exceeded"};
    case 6: return {"#UD", "invalid opcode"};
    case 7: return {"#NM", "device not available"};
    case 8: return {"#DF", "double fault"};
    case 9: return {"---", "coprocessor segment overrun"};
    case 10: return {"#TS", "invalid TSS"};
    case 11: return {"#NP", "segment not present"};
    case 12: return {"#SS", "stack-segment fault"};
    case 13: return {"#GP", "general protection"};
    case 14: return {"#PF", "page fault"};
    case 16: return {"#MF", "x87 floating-point error"};
    case 17: return {"#AC", "alignment check"};
    case 18: return {"#MC", "machine check"};
    case 19: return {"#XM", "SIMD floating-point"};
    case 20: return {"#VE", "virtualization exception"};
    case 21: return {"#CP", "control protection"};
    case 28: return {"#HV", "hypervisor injection"};
    case 29: return {"#VC", "VMM communication"};
    case 30: return {"#SX", "security exception"};
    default: return {"---", "reserved"};
    }
}

// Page-fault error code bits (SDM vol. 3A, figure 4-12).
void print_page_fault_reason(u64 code) {
    log("  (#PF: {}, {}, {}{}{})\n", code & 1 ? "protection violation" : "not present",
        code & 2 ? "write" : "read", code & 4 ? "user" : "supervisor", code & 8 ? ", reserved bit set" : "",
        code & 16 ? ", instruction fetch" : "");
}

// Selector error codes (SDM vol. 3A, 6.13, figure 6-7): EXT, IDT, TI, index.
void print_selector_reason(u64 code) {
    if (code == 0) return;
    log("  (selector error: index {} in {}{})\n", (code >> 3) & 0x1FFF,
        code & 2 ? "IDT" : (code & 4 ? "LDT" : "GDT"), code & 1 ? ", external event" : "");
}

void print_code_bytes(u64 rip) {
    constexpr unsigned count = 16;
    // Both ends: the bytes may cross into an unmapped page.
    if (!is_mapped(HostVirt(rip)) || !is_mapped(HostVirt(rip + count - 1))) {
        log("  code: RIP not mapped\n");
        return;
    }
    const auto* bytes = reinterpret_cast<const u8*>(rip);
    log("  code:");
    for (unsigned i = 0; i < count; ++i)
        log(" {:02x}", bytes[i]);
    log("\n");
}

} // namespace

void register_exception_handler(u8 vector, ExceptionHandler handler) {
    if (vector >= exception_handlers.size())
        panic("register_exception_handler: {} is not an exception", vector);
    exception_handlers[vector] = handler;
}

void dump_frame(const InterruptFrame& f) {
    const ExceptionName name = exception_name(f.vector);
    log("\nRealVM exception: vector {} {} ({}), error code {:016x}\n", f.vector, name.mnemonic, name.name,
        f.error_code);
    if (f.vector == arch::vector::page_fault) print_page_fault_reason(f.error_code);
    if (f.vector >= 10 && f.vector <= 13) print_selector_reason(f.error_code);
    log("  RIP {:04x}:{:016x}  RSP {:04x}:{:016x}  RFLAGS {:016x}\n", f.cs, f.rip, f.ss, f.rsp, f.rflags);
    log("  CR2 {:016x}  CR0 {:016x}  CR3 {:016x}  CR4 {:016x}\n", arch::read_cr2(), arch::read_cr0(),
        arch::read_cr3(), arch::read_cr4());
    log("  RAX {:016x}  RBX {:016x}  RCX {:016x}  RDX {:016x}\n", f.rax, f.rbx, f.rcx, f.rdx);
    log("  RSI {:016x}  RDI {:016x}  RBP {:016x}  R8  {:016x}\n", f.rsi, f.rdi, f.rbp, f.r8);
    log("  R9  {:016x}  R10 {:016x}  R11 {:016x}  R12 {:016x}\n", f.r9, f.r10, f.r11, f.r12);
    log("  R13 {:016x}  R14 {:016x}  R15 {:016x}\n", f.r13, f.r14, f.r15);
    print_code_bytes(f.rip);
}

void handle_exception(InterruptFrame& frame) {
    if (arch::apply_fault_fixup(frame)) return;
    if (ExceptionHandler handler = exception_handlers[frame.vector]; handler && handler(frame)) return;
    if (frame.vector == arch::vector::nmi) {
        log("RealVM: NMI at RIP {:016x} (ignored)\n", frame.rip);
        return;
    }
    // CR2 first: a fault while printing would overwrite it.
    const u64 fault_address = arch::read_cr2();
    if (++exception_depth > 1) {
        if (exception_depth == 2)
            log("\nRealVM panic: vector {} at RIP {:016x} while handling a fault\nRealVM halted.\n",
                frame.vector, frame.rip);
        arch::halt_forever();
    }
    dump_frame(frame);
    const ExceptionName name = exception_name(frame.vector);
    if (frame.vector == arch::vector::page_fault)
        panic("unhandled {} ({}) at RIP {:016x}, address {:016x}", name.mnemonic, name.name, frame.rip,
              fault_address);
    panic("unhandled {} ({}) at RIP {:016x}", name.mnemonic, name.name, frame.rip);
}

} // namespace realvm::kernel

namespace realvm::kernel {
void take_deliberate_fault() {
    // PML4 slot 271, the last of the monitor's range (DESIGN §3): the monitor never maps it.
    constexpr u64 never_mapped = 0xffff87ffdead0000;
    log("RealVM: debug=fault: reading {:016x}\n", never_mapped);
    (void)*reinterpret_cast<volatile u64*>(never_mapped);
    panic("debug=fault: the read of an unmapped address did not fault");
}

void check_fault_fixup() {
    // A missing MSR raises #GP on hardware; QEMU's TCG returns 0 instead, so only report what happened.
    constexpr u32 missing_msr = 0xDEADBEEF;
    const std::optional<u64> msr = arch::rdmsr_safe(missing_msr);
    log("RealVM: debug=fixup: RDMSR {:x} {}\n", missing_msr,
        msr ? "returned without #GP" : "raised #GP, recovered");
    constexpr u64 non_canonical = 0x8000000000000000, unmapped = 0xffff87ffdead0000;
    if (arch::load_u8_safe(non_canonical)) panic("debug=fixup: a non-canonical read did not fault");
    if (arch::load_u8_safe(unmapped)) panic("debug=fixup: a read of an unmapped page did not fault");
    const std::optional<u8> mapped = arch::load_u8_safe(reinterpret_cast<u64>(&exception_depth));
    if (!mapped) panic("debug=fixup: a read of mapped memory faulted");
    log("RealVM: debug=fixup: #GP (non-canonical) and #PF (unmapped) recovered, mapped read ok\n");
}

namespace {
// Each level keeps 256 bytes live, so neither the compiler nor tail calls can flatten the recursion.
// (The stop condition is never reached: the monitor has far less stack than that.)
[[gnu::noinline]] u64 recurse(u64 depth) {
    volatile u8 frame[256];
    frame[depth % sizeof frame] = static_cast<u8>(depth);
    if (depth == ~u64(0)) return frame[0];
    return recurse(depth + 1) + frame[0];
}
} // namespace

void overflow_the_stack() {
    log("RealVM: debug=stack-overflow: recursing\n");
    recurse(0);
    panic("debug=stack-overflow: returned");
}

void take_deliberate_double_fault() {
    log("RealVM: debug=double-fault: pushing onto an unmapped stack\n");
    asm volatile("movabs $0xffff87ffdead0000, %%rsp\n"
                 "pushq $0\n" ::
                     : "memory");
    panic("debug=double-fault: the push did not fault");
}
} // namespace realvm::kernel
