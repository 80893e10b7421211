// Delivery of interrupts and exceptions to the guest, as the CPU does it (SDM vol. 3 chapter 6):
// real mode through the IVT (§20.1.4), protected mode through the IDT with interrupt and trap gates and
// a stack switch from the TSS (§6.12.1), long mode with 16-byte gates, IST and RSP0-2 from the 64-bit
// TSS (§6.14). A fault during delivery escalates by the double-fault rules (§6.15, table 6-5); a fault
// while delivering #DF is a triple fault, reported to the caller (a real CPU shuts down).
//
// Not emulated (reported as DeliveryStatus::unsupported): task gates, and delivery from V86 mode
// through a gate whose code segment is not DPL 0 (the CPU raises #GP there anyway).
#pragma once

#include "vmm/vcpu/exception.hpp"
#include "vmm/vcpu/interpreter.hpp"

namespace realvm::vcpu {

enum class DeliveryStatus : u8 { delivered, triple_fault, unsupported };

struct DeliveryResult {
    DeliveryStatus status = DeliveryStatus::delivered;
    u8 vector = 0; // the vector finally delivered (8 after escalation to #DF)
};

// Delivers `vector`. The state must be as the event left it: RIP at the faulting instruction for a
// fault, after the instruction for a trap or INT n. `error_code` is pushed when `has_error_code`.
// For #PF, CR2 is set from `cr2`. Clears CpuState::halted.
DeliveryResult deliver_event(Interpreter& cpu, u8 vector, EventKind kind, bool has_error_code = false,
                             u32 error_code = 0, u64 cr2 = 0);

// Delivers what Interpreter::run() reported.
inline DeliveryResult deliver_exception(Interpreter& cpu, const Exception& e) {
    return deliver_event(cpu, static_cast<u8>(e.vector), e.kind, e.has_error_code, e.error_code, e.cr2);
}

} // namespace realvm::vcpu
