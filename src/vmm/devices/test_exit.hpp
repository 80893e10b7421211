// The test-exit port (0xf4, as QEMU's `isa-debug-exit,iobase=0xf4,iosize=4`): any write stops the VM
// with the written value as its status, so test guests can end themselves and report a result.
// (QEMU itself exits with (value << 1) | 1; RealVM reports the value unchanged.)
#pragma once

#include "vmm/devices/device_host.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class TestExit final : public PortDevice {
  public:
    static constexpr u16 port = 0xf4;

    explicit TestExit(MachineControl& machine) : machine_(machine) {}

    u32 port_read(u16, u8) override { return 0; }
    void port_write(u16, u8, u32 value) override { machine_.stop_requested(value); }

  private:
    MachineControl& machine_;
};

} // namespace realvm::devices
