#include "vmm/devices/i8042.hpp"

namespace realvm::devices {

namespace {
constexpr u8 cmd_kbd_irq = 0x01, cmd_aux_irq = 0x02, cmd_system = 0x04, cmd_kbd_disabled = 0x10,
             cmd_aux_disabled = 0x20, cmd_translate = 0x40;
constexpr u8 st_output_full = 0x01, st_system = 0x04, st_command = 0x08, st_not_inhibited = 0x10,
             st_aux_data = 0x20;
} // namespace

void I8042::set_command_byte(u8 value) {
    ram_[0] = value & 0x7f; // bit 7 is reserved (0)
    fill_output_buffer();
    update_irqs();
}

void I8042::update_irqs() {
    irq1_.set(output_full_ && !output_aux_ && (ram_[0] & cmd_kbd_irq));
    irq12_.set(output_full_ && output_aux_ && (ram_[0] & cmd_aux_irq));
}

void I8042::queue_from_controller(u8 byte, bool aux) {
    if (controller_count_ < controller_queue_.size()) {
        controller_queue_[controller_count_] = byte;
        controller_queue_aux_[controller_count_] = aux;
        ++controller_count_;
    }
    fill_output_buffer();
}

void I8042::fill_output_buffer() {
    if (output_full_) return;
    if (controller_count_) {
        output_buffer_ = controller_queue_[0];
        output_aux_ = controller_queue_aux_[0];
        for (usize i = 1; i < controller_count_; ++i) {
            controller_queue_[i - 1] = controller_queue_[i];
            controller_queue_aux_[i - 1] = controller_queue_aux_[i];
        }
        --controller_count_;
        output_full_ = true;
    } else {
        while (!output_full_ && keyboard_.has_output() && !(ram_[0] & cmd_kbd_disabled)) {
            u8 byte = keyboard_.pop();
            if (ram_[0] & cmd_translate) {
                if (byte == 0xf0) {
                    hold_break_ = true;
                    continue;
                }
                byte = translate_set2_to_set1(byte);
                if (hold_break_) byte |= 0x80;
                hold_break_ = false;
            }
            output_buffer_ = byte;
            output_aux_ = false;
            output_full_ = true;
        }
    }
    update_irqs();
}

u8 I8042::output_port() const {
    // Bit 0 system reset (1 = running), bit 1 A20, bit 4 keyboard OBF (IRQ 1), bit 5 aux OBF (IRQ 12).
    return u8((output_port_bits_ & 0xcd) | 0x01 | (a20_.keyboard_controller_input() ? 0x02 : 0) |
              (output_full_ && !output_aux_ ? 0x10 : 0) | (output_full_ && output_aux_ ? 0x20 : 0));
}

void I8042::write_output_port(u8 value) {
    output_port_bits_ = value;
    a20_.set_from_keyboard_controller(value & 0x02);
    if (!(value & 0x01)) machine_.reset_requested(ResetKind::cpu);
}

void I8042::controller_command(u8 command) {
    if (command >= 0x20 && command <= 0x3f) {
        queue_from_controller(ram_[command & 0x1f]);
        return;
    }
    if ((command >= 0x60 && command <= 0x7f) || command == 0xd1 || command == 0xd2 || command == 0xd3 ||
        command == 0xd4) {
        pending_command_ = command;
        return;
    }
    if (command >= 0xf0) {
        // Pulse output port bits 3-0 low for 6 us where the command's bit is 0: bit 0 is CPU reset.
        if (!(command & 0x01)) machine_.reset_requested(ResetKind::cpu);
        return;
    }
    switch (command) {
    case 0xa7: set_command_byte(ram_[0] | cmd_aux_disabled); break;
    case 0xa8: set_command_byte(u8(ram_[0] & ~cmd_aux_disabled)); break;
    case 0xa9: queue_from_controller(0x00); break; // aux interface test: lines OK
    case 0xaa:                                     // self-test passed; sets the system flag
        ram_[0] |= cmd_system;
        queue_from_controller(0x55);
        break;
    case 0xab: queue_from_controller(0x00); break; // keyboard interface test: no error
    case 0xad: set_command_byte(ram_[0] | cmd_kbd_disabled); break;
    case 0xae: set_command_byte(u8(ram_[0] & ~cmd_kbd_disabled)); break;
    case 0xc0: queue_from_controller(0x80); break; // input port: bit 7 keyboard not inhibited
    case 0xd0: queue_from_controller(output_port()); break;
    case 0xdd: a20_.set_from_keyboard_controller(false); break; // A20 off (HP Vectra command set)
    case 0xdf: a20_.set_from_keyboard_controller(true); break;  // A20 on
    case 0xe0: queue_from_controller(0x00); break;              // test inputs
    default: break;
    }
}

void I8042::controller_data(u8 command, u8 data) {
    if (command >= 0x60 && command <= 0x7f) {
        if (command == 0x60)
            set_command_byte(data);
        else
            ram_[command & 0x1f] = data;
        return;
    }
    switch (command) {
    case 0xd1: write_output_port(data); break;
    case 0xd2: queue_from_controller(data); break;       // as if the keyboard sent it
    case 0xd3: queue_from_controller(data, true); break; // as if the aux device sent it
    case 0xd4: break;                                    // to the aux device: none is attached
    default: break;
    }
}

u32 I8042::port_read(u16 port, u8) {
    if (port == status_port) {
        return u32((output_full_ ? st_output_full : 0) | ((ram_[0] & cmd_system) ? st_system : 0) |
                   (last_was_command_ ? st_command : 0) | st_not_inhibited |
                   (output_full_ && output_aux_ ? st_aux_data : 0));
    }
    const u8 value = output_buffer_; // reading an empty buffer returns the last byte again
    output_full_ = false;
    update_irqs();
    fill_output_buffer();
    return value;
}

void I8042::port_write(u16 port, u8, u32 value) {
    const u8 byte = u8(value);
    if (port == status_port) {
        last_was_command_ = true;
        pending_command_ = 0;
        controller_command(byte);
        return;
    }
    last_was_command_ = false;
    if (pending_command_) {
        const u8 command = pending_command_;
        pending_command_ = 0;
        controller_data(command, byte);
        return;
    }
    // Data for the keyboard; sending to it enables its interface again (PS/2 Technical Reference).
    ram_[0] &= u8(~cmd_kbd_disabled);
    keyboard_.host_command(byte);
    fill_output_buffer();
}

void I8042::key_set1(u8 byte) {
    keyboard_.key_set1(byte);
    fill_output_buffer();
}

void I8042::key(KeyEvent event) {
    if (event.extended) keyboard_.key_set1(0xe0);
    keyboard_.key_set1(u8((event.set1_code & 0x7f) | (event.released ? 0x80 : 0)));
    fill_output_buffer();
}

} // namespace realvm::devices
