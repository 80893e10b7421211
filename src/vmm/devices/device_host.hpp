// What the device models need from the VM that owns them. The monitor implements these per VM; the
// unit tests implement them with fakes. Devices hold references to the narrow interface they use.
#pragma once

#include <string_view>

#include "base/types.hpp"

namespace realvm::devices {

// The VM's virtual time in nanoseconds. It stops while the VM is paused, so every device derives its
// notion of time from this clock only (never from a real timer).
class Clock {
  public:
    virtual u64 now_ns() = 0;

  protected:
    ~Clock() = default;
};

// Where a device's output bytes go (a UART's transmitter: the VM's console stream).
class ByteSink {
  public:
    virtual void put(u8 byte) = 0;

  protected:
    ~ByteSink() = default;
};

// One line of diagnostics about the VM's use of its devices (no trailing newline).
class DeviceLog {
  public:
    virtual void log(std::string_view line) = 0;

  protected:
    ~DeviceLog() = default;
};

// How much of the machine a reset request covers. The keyboard controller's reset line, port 0x92
// bit 0 and a soft 0xcf9 reset restart only the CPU: devices and RAM keep their state (how 286-era
// software left protected mode, with CMOS byte 0x0f telling the BIOS what to do next). A hard 0xcf9
// reset (bit 1 set) resets the whole platform.
enum class ResetKind : u8 { cpu, system };

// Requests that change the whole machine; the VM decides when to act on them.
class MachineControl {
  public:
    virtual void reset_requested(ResetKind kind) = 0;
    virtual void stop_requested(u32 status) = 0;
    // A20 gate changed: when disabled, the memory path masks guest-physical address bit 20.
    virtual void a20_changed(bool enabled) = 0;

  protected:
    ~MachineControl() = default;
};

// Everything a standard PC device set needs from its VM, in one object.
class PlatformHost : public Clock, public ByteSink, public DeviceLog, public MachineControl {
  protected:
    ~PlatformHost() = default;
};

// "No event pending" for next_event_ns().
constexpr u64 no_event = ~u64(0);

} // namespace realvm::devices
