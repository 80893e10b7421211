// debug=ring3: a boot-time check of what deprivileged guests rely on. Code runs in 64-bit ring 3 in
// an address space built like a guest's (new_address_space_root: monitor in the upper half,
// supervisor-only), takes timer interrupts there (TSS.RSP0, SWAPGS in the entry stub, IRETQ back to
// ring 3), then traps: HLT raises #GP(0), and a read of monitor memory raises #PF with the user and
// protection bits. Then the same in 32-bit compatibility mode in ring 1 (where 32-bit guest kernels
// run, DESIGN §4) through the GDT's ring-1 pair. The handler turns each trap into a return to the monitor.
#pragma once

namespace realvm::kernel {

void check_ring3();

} // namespace realvm::kernel
