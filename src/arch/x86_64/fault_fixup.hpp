// Instructions allowed to fault: each has an entry (faulting RIP, resume RIP) in the .fault_fixups
// section; the exception handler resumes a ring-0 fault at such an RIP at its fixup instead of dying.
// Used to probe model-specific registers that may not exist (RDMSR of a missing MSR raises #GP,
// Intel SDM vol. 2B, RDMSR).
#pragma once

#include <optional>

#include "arch/x86_64/interrupt_frame.hpp"
#include "base/types.hpp"

namespace realvm::arch {

struct FaultFixup {
    u64 fault_rip;
    u64 resume_rip;
};

// Resumes `frame` at the fixup for its RIP if there is one.
bool apply_fault_fixup(InterruptFrame& frame);

inline std::optional<u64> rdmsr_safe(u32 msr) {
    u32 lo = 0, hi = 0;
    u8 failed = 0;
    asm volatile("1: rdmsr\n"
                 "2:\n"
                 ".pushsection .fault_fixups, \"a\"\n"
                 ".balign 8\n"
                 ".quad 1b, 3f\n"
                 ".popsection\n"
                 ".pushsection .text.fault_fixup, \"ax\"\n"
                 "3: movb $1, %2\n"
                 "jmp 2b\n"
                 ".popsection\n"
                 : "+a"(lo), "+d"(hi), "+q"(failed)
                 : "c"(msr));
    if (failed) return std::nullopt;
    return (u64(hi) << 32) | lo;
}

// One byte at `address`, or empty when reading it faults (#PF when unmapped, #GP when non-canonical).
inline std::optional<u8> load_u8_safe(u64 address) {
    u8 value = 0, failed = 0;
    asm volatile("1: movb (%[address]), %[value]\n"
                 "2:\n"
                 ".pushsection .fault_fixups, \"a\"\n"
                 ".balign 8\n"
                 ".quad 1b, 3f\n"
                 ".popsection\n"
                 ".pushsection .text.fault_fixup, \"ax\"\n"
                 "3: movb $1, %[failed]\n"
                 "jmp 2b\n"
                 ".popsection\n"
                 : [value] "+q"(value), [failed] "+q"(failed)
                 : [address] "r"(address)
                 : "memory");
    if (failed) return std::nullopt;
    return value;
}

} // namespace realvm::arch
