// Bounded waits for polled devices, so that an absent or broken device never hangs the monitor.
#pragma once

#include "arch/x86_64/port_io.hpp"
#include "base/types.hpp"

namespace realvm::kernel::drivers {

// A write to the POST diagnostic port 0x80 takes about 1 µs on ISA-compatible chipsets, which is why
// Linux uses it as its I/O delay (arch/x86/kernel/io_delay.c). Under emulation it is faster, so the
// budgets below are upper bounds of real time, not exact.
inline void io_delay() { arch::out8(0x80, 0); }

// A wait budget in microseconds, spent one io_delay() per expired() call.
class Timeout {
  public:
    explicit constexpr Timeout(u64 microseconds) : remaining_(microseconds) {}
    // Waits about one microsecond and tells whether the budget is used up.
    bool expired() {
        if (remaining_ == 0) return true;
        --remaining_;
        io_delay();
        return false;
    }

  private:
    u64 remaining_;
};

constexpr u64 milliseconds(u64 ms) { return ms * 1000; }

} // namespace realvm::kernel::drivers
