// Exception vectors and the record of a raised exception (SDM vol. 3 §6.3.1, table 6-1).
#pragma once

#include "base/types.hpp"

namespace realvm::vcpu {

enum class Vector : u8 {
    de = 0,  // divide error
    db = 1,  // debug
    nmi = 2, // non-maskable interrupt
    bp = 3,  // breakpoint (INT3)
    of = 4,  // overflow (INTO)
    br = 5,  // BOUND range exceeded
    ud = 6,  // invalid opcode
    nm = 7,  // device not available
    df = 8,  // double fault
    ts = 10, // invalid TSS
    np = 11, // segment not present
    ss = 12, // stack-segment fault
    gp = 13, // general protection
    pf = 14, // page fault
    mf = 16, // x87 floating-point error
    ac = 17, // alignment check
    mc = 18, // machine check
    xm = 19, // SIMD floating-point
};

// #PF error code bits (SDM vol. 3 §4.7).
namespace pf_error {
constexpr u32 present = 1u << 0; // the fault was a protection violation, not a not-present entry
constexpr u32 write = 1u << 1;
constexpr u32 user = 1u << 2;
constexpr u32 rsvd = 1u << 3;  // a reserved bit was set in a paging-structure entry
constexpr u32 fetch = 1u << 4; // instruction fetch
constexpr u32 pk = 1u << 5;
} // namespace pf_error

// Selector error code (SDM vol. 3 §6.13): the selector's index and TI bit, EXT and IDT flags.
namespace sel_error {
constexpr u32 ext = 1u << 0;
constexpr u32 idt = 1u << 1;
} // namespace sel_error

// What kind of event is delivered (SDM vol. 3 §6.4, §6.12.1.1): software interrupts check the gate's
// DPL, exceptions may push an error code, external events set EXT in error codes.
enum class EventKind : u8 {
    exception,    // a fault or trap the CPU raised
    external,     // an interrupt from the interrupt controller
    nmi,          // non-maskable interrupt
    software_int, // INT n
    int3,         // INT3 (CC)
    into,         // INTO with OF set
    icebp,        // INT1 (F1): delivered like an exception, no DPL check
};

// An exception raised by an instruction. Faults leave the state as it was before the instruction (RIP
// at the instruction); traps (INT3, INTO, single-step) leave RIP after it.
struct Exception {
    Vector vector = Vector::ud;
    bool has_error_code = false;
    u32 error_code = 0;
    u64 cr2 = 0; // for #PF: the faulting linear address (also written to CpuState::cr2 on delivery)
    EventKind kind = EventKind::exception; // software_int/int3/into/icebp for the instructions

    static constexpr Exception software(u8 vector, EventKind kind) {
        return Exception{static_cast<Vector>(vector), false, 0, 0, kind};
    }
    static constexpr Exception make(Vector v) { return Exception{v, false, 0, 0, EventKind::exception}; }
    static constexpr Exception with_code(Vector v, u32 code) {
        return Exception{v, true, code, 0, EventKind::exception};
    }
    static constexpr Exception page_fault(u64 addr, u32 code) {
        return Exception{Vector::pf, true, code, addr, EventKind::exception};
    }
};

// Whether the vector is delivered with an error code when it is an exception (SDM vol. 3 §6.13).
constexpr bool vector_has_error_code(u8 vector) {
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

} // namespace realvm::vcpu
