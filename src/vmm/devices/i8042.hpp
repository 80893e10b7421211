// The 8042 keyboard controller (data 0x60, status/command 0x64) with a PS/2 keyboard on its first
// port and no device on the auxiliary port.
//
// References: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/Auxiliary Device Controller":
// status register bits, the controller command byte (RAM 0), commands 20-3F/60-7F (RAM), A7/A8/A9
// (aux), AA (self-test -> 55), AB (interface test -> 00), AD/AE, C0, D0/D1 (output port: bit 0 system
// reset, bit 1 A20), D2/D3/D4, E0, F0-FF (pulse output bits); translation of set 2 to set 1 when
// command byte bit 6 is set.
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/a20_gate.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/irq_line.hpp"
#include "vmm/devices/port_device.hpp"
#include "vmm/devices/ps2_keyboard.hpp"

namespace realvm::devices {

class I8042 final : public PortDevice {
  public:
    static constexpr u16 data_port = 0x60;
    static constexpr u16 status_port = 0x64;

    I8042(IrqLine irq1, IrqLine irq12, A20Gate& a20, MachineControl& machine)
        : irq1_(irq1), irq12_(irq12), a20_(a20), machine_(machine) {}

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

    // User input, one byte of scancode set 1 at a time (E0/E1 prefixes, bit 7 = key release).
    void key_set1(u8 byte);
    struct KeyEvent {
        u8 set1_code;  // make code, 0x01-0x7f
        bool extended; // E0-prefixed key (arrows, right Ctrl/Alt, keypad Enter ...)
        bool released;
    };
    void key(KeyEvent event);

    // What a BIOS leaves after POST: translation on, system flag, keyboard IRQ on, aux port off.
    void complete_post() { set_command_byte(0x65); }

    u8 command_byte() const { return ram_[0]; }
    const Ps2Keyboard& keyboard() const { return keyboard_; }

  private:
    void set_command_byte(u8 value);
    void queue_from_controller(u8 byte, bool aux = false);
    void fill_output_buffer();
    void update_irqs();
    void controller_command(u8 command);
    void controller_data(u8 command, u8 data);
    u8 output_port() const;
    void write_output_port(u8 value);

    IrqLine irq1_;
    IrqLine irq12_;
    A20Gate& a20_;
    MachineControl& machine_;
    Ps2Keyboard keyboard_;
    std::array<u8, 32> ram_{0x03}; // RAM 0 = command byte: keyboard and aux interrupts on (QEMU reset)
    std::array<u8, 4> controller_queue_{};
    std::array<bool, 4> controller_queue_aux_{};
    usize controller_count_ = 0;
    u8 output_buffer_ = 0;
    bool output_full_ = false;
    bool output_aux_ = false;
    bool hold_break_ = false; // translation saw F0: the next code gets bit 7
    u8 pending_command_ = 0;  // a controller command waiting for its data byte (0: none)
    bool last_was_command_ = false;
    u8 output_port_bits_ = 0xcd; // output port bits other than A20 and the buffer-full bits
};

} // namespace realvm::devices
