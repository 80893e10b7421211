// The A20 gate: address line 20 is enabled when the 8042's output port bit 1 or port 0x92 bit 1
// (PS/2 "fast A20") says so, ORed together as the chipset does (PIIX3 datasheet §4.7.3, A20M#).
// Changes are reported to the VM, whose memory path masks bit 20 while the gate is closed.
#pragma once

#include "vmm/devices/device_host.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class A20Gate {
  public:
    explicit A20Gate(MachineControl& machine) : machine_(machine) {}

    void set_from_keyboard_controller(bool enabled) { update(enabled, fast_); }
    void set_from_port_92(bool enabled) { update(keyboard_controller_, enabled); }
    bool enabled() const { return keyboard_controller_ || fast_; }
    bool keyboard_controller_input() const { return keyboard_controller_; }
    bool port_92_input() const { return fast_; }

  private:
    void update(bool kbc, bool fast) {
        const bool before = enabled();
        keyboard_controller_ = kbc;
        fast_ = fast;
        if (enabled() != before) machine_.a20_changed(enabled());
    }

    MachineControl& machine_;
    // QEMU starts with A20 enabled (the 8042 output port's reset value has bit 1 set); guests tested
    // on both must see the same.
    bool keyboard_controller_ = true;
    bool fast_ = false;
};

// System control port A (0x92): bit 1 fast A20, bit 0 fast reset (a 0 -> 1 write resets the CPU).
class SystemControlPortA final : public PortDevice {
  public:
    static constexpr u16 port = 0x92;

    SystemControlPortA(A20Gate& a20, MachineControl& machine) : a20_(a20), machine_(machine) {}

    u32 port_read(u16, u8) override {
        return u32((a20_.port_92_input() ? 0x02 : 0) | (value_ & ~0x02u & 0xff));
    }
    void port_write(u16, u8, u32 value) override {
        const bool reset = (value & 1) && !(value_ & 1);
        value_ = u8(value);
        a20_.set_from_port_92(value & 0x02);
        if (reset) machine_.reset_requested(ResetKind::cpu);
    }

  private:
    A20Gate& a20_;
    MachineControl& machine_;
    u8 value_ = 0;
};

} // namespace realvm::devices
