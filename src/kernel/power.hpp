// Turning the machine off when the monitor is done.
#pragma once

namespace realvm::kernel {

// Prints "RealVM: powering off" (the launcher's marker of a clean end), enters ACPI S5 and, should
// that fail, halts for good.
[[noreturn]] void power_off();

} // namespace realvm::kernel
