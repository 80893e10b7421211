// Bounded waits for polled devices, so that an absent or broken device never hangs the monitor.
#pragma once

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/port_io.hpp"
#include "base/types.hpp"
#include "kernel/timer.hpp"

namespace realvm::kernel::drivers {

// A write to the POST diagnostic port 0x80 takes about 1 µs on ISA-compatible chipsets, which is why
// Linux uses it as its I/O delay (arch/x86/kernel/io_delay.c). Under emulation it is much faster.
inline void io_delay() { arch::out8(0x80, 0); }

// A wait budget in microseconds. With interrupts on, the monitor's clock (timer.hpp) measures it;
// with interrupts off (power-off, reboot, early boot) the clock stands still, so the budget is
// counted in io_delay() calls instead. Either way a backstop of 4x the budget in io_delay() calls
// ends the wait even if the timer is broken.
class Timeout {
  public:
    explicit Timeout(u64 microseconds)
        : budget_ns_(microseconds * 1000), start_ns_(now_ns()), delays_left_(microseconds),
          clocked_(arch::read_rflags() & rflags_interrupt_enable) {
        if (clocked_) delays_left_ = 4 * microseconds;
    }
    // Waits about one microsecond and tells whether the budget is used up.
    bool expired() {
        if (delays_left_ == 0) return true;
        --delays_left_;
        io_delay();
        return clocked_ && now_ns() - start_ns_ >= budget_ns_;
    }

  private:
    static constexpr u64 rflags_interrupt_enable = 1 << 9;
    u64 budget_ns_;
    u64 start_ns_;
    u64 delays_left_;
    bool clocked_;
};

constexpr u64 milliseconds(u64 ms) { return ms * 1000; }

} // namespace realvm::kernel::drivers
