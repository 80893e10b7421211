// The frame interrupt_entry.S builds on the stack for every vector: the general-purpose registers it
// pushes, the vector and error code (0 where the CPU pushes none), then what the CPU pushed itself
// (Intel SDM vol. 3A, 6.14.2 "64-Bit Mode Stack Frame": SS, RSP, RFLAGS, CS, RIP, always, in 64-bit mode).
#pragma once

#include "base/types.hpp"

namespace realvm::arch {

struct InterruptFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss;

    unsigned privilege_level() const { return cs & 3; }
};
static_assert(sizeof(InterruptFrame) == 22 * 8, "interrupt_entry.S pushes 22 quadwords");

// Exceptions 0-31 (SDM vol. 3A, 6.3.1, table 6-1).
namespace vector {
constexpr u8 divide_error = 0, debug = 1, nmi = 2, breakpoint = 3, overflow = 4, bound_range = 5,
             invalid_opcode = 6, device_not_available = 7, double_fault = 8, invalid_tss = 10,
             segment_not_present = 11, stack_fault = 12, general_protection = 13, page_fault = 14,
             x87_floating_point = 16, alignment_check = 17, machine_check = 18, simd_floating_point = 19,
             virtualization = 20, control_protection = 21;
constexpr u8 first_external = 32;
} // namespace vector

} // namespace realvm::arch
