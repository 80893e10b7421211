// The monitor's command-line options (briefs/monitor-protocol.md): space-separated words; unknown
// ones are reported once and ignored.
#pragma once

#include <string_view>

namespace realvm::kernel {

struct BootOptions {
    bool debug_fault = false;          // debug=fault: a deliberate page fault after the boot report
    bool debug_double_fault = false;   // debug=double-fault: a page fault on an unmapped stack, i.e. #DF
    bool debug_stack_overflow = false; // debug=stack-overflow: endless recursion into the guard page
    bool debug_ring3 = false;          // debug=ring3: the ring-3 round trip check (ring3_check.hpp)
    bool debug_fixup = false;          // debug=fixup: RDMSR of a missing MSR, recovered by the #GP fixup
};

// Options other parts of the monitor understand (the drivers' debug=NAME), so that they are not
// reported as unknown.
using IsKnownOption = bool (*)(std::string_view word);

// The first word is the image's own name when it has no '=' (QEMU and GRUB both put it there).
BootOptions parse_boot_options(std::string_view command_line, IsKnownOption others_know = nullptr);

} // namespace realvm::kernel
