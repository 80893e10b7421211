#include "arch/x86_64/fault_fixup.hpp"

extern "C" const realvm::arch::FaultFixup monitor_fault_fixups_start[], monitor_fault_fixups_end[];

namespace realvm::arch {

bool apply_fault_fixup(InterruptFrame& frame) {
    if (frame.privilege_level() != 0) return false; // only the monitor's own instructions
    for (const FaultFixup* f = monitor_fault_fixups_start; f != monitor_fault_fixups_end; ++f) {
        if (f->fault_rip == frame.rip) {
            frame.rip = f->resume_rip;
            return true;
        }
    }
    return false;
}

} // namespace realvm::arch
