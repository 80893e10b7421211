#include "kernel/drivers/ps2_keyboard.hpp"

#include "arch/x86_64/port_io.hpp"
#include "base/format.hpp"
#include "kernel/drivers/timeout.hpp"

namespace realvm::kernel::drivers {
namespace {

// i8042 interface (IBM PC AT Technical Reference, "Keyboard Controller"; the 8042 command set):
// data at 60h, status (read) / command (write) at 64h.
constexpr u16 data_port = 0x60, status_port = 0x64, command_port = 0x64;
namespace status {
constexpr u8 output_full = 1 << 0, input_full = 1 << 1, aux_data = 1 << 5;
}
namespace command {
constexpr u8 read_config = 0x20, write_config = 0x60, disable_aux = 0xA7, self_test = 0xAA,
             test_keyboard_port = 0xAB, disable_keyboard = 0xAD, enable_keyboard = 0xAE;
}
// Controller configuration ("command") byte.
namespace config {
constexpr u8 keyboard_interrupt = 1 << 0, aux_interrupt = 1 << 1, keyboard_clock_off = 1 << 4,
             aux_clock_off = 1 << 5, translate = 1 << 6;
}
// Keyboard commands and replies (IBM PS/2 Hardware Interface Technical Reference, keyboard chapter).
constexpr u8 keyboard_reset = 0xFF, keyboard_ack = 0xFA, keyboard_resend = 0xFE, keyboard_bat_ok = 0xAA;
constexpr u8 controller_test_ok = 0x55, port_test_ok = 0x00;

// A controller answers within microseconds; a keyboard's self-test (BAT) takes up to about 500 ms.
constexpr u64 controller_budget = milliseconds(100);
constexpr u64 reset_budget = milliseconds(1000);

bool wait_input_empty() {
    Timeout timeout(controller_budget);
    while (arch::in8(status_port) & status::input_full)
        if (timeout.expired()) return false;
    return true;
}

std::optional<u8> read_data(u64 budget = controller_budget) {
    Timeout timeout(budget);
    while (!(arch::in8(status_port) & status::output_full))
        if (timeout.expired()) return std::nullopt;
    return arch::in8(data_port);
}

bool send_command(u8 c) {
    if (!wait_input_empty()) return false;
    arch::out8(command_port, c);
    return true;
}

bool send_command(u8 c, u8 argument) {
    if (!send_command(c) || !wait_input_empty()) return false;
    arch::out8(data_port, argument);
    return true;
}

void flush_output() {
    for (int i = 0; i < 64 && (arch::in8(status_port) & status::output_full); ++i) {
        arch::in8(data_port);
        io_delay();
    }
}

} // namespace

Ps2Keyboard::State Ps2Keyboard::init() {
    // No controller: nothing drives the bus and the status port reads FFh (e.g. legacy-free PCs).
    if (arch::in8(status_port) == 0xFF) return state_ = State::NoController;
    if (!send_command(command::disable_keyboard) || !send_command(command::disable_aux))
        return state_ = State::NoController;
    flush_output();

    if (!send_command(command::read_config)) return state_ = State::ControllerFailed;
    const auto original = read_data();
    if (!original) return state_ = State::ControllerFailed;
    // Interrupts off and the keyboard clock stopped while testing; translation on so that the
    // keyboard's default set 2 arrives as set 1.
    u8 cfg = static_cast<u8>((*original & ~(config::keyboard_interrupt | config::aux_interrupt)) |
                             config::translate | config::keyboard_clock_off);
    if (!send_command(command::write_config, cfg)) return state_ = State::ControllerFailed;

    if (!send_command(command::self_test)) return state_ = State::ControllerFailed;
    const auto test = read_data();
    self_test_ = test.value_or(0);
    if (test != controller_test_ok) return state_ = State::ControllerFailed;
    // The self-test resets some controllers; write the configuration again.
    if (!send_command(command::write_config, cfg)) return state_ = State::ControllerFailed;
    if (!send_command(command::test_keyboard_port) || read_data() != port_test_ok)
        return state_ = State::NoKeyboard;

    cfg = static_cast<u8>(cfg & ~config::keyboard_clock_off);
    if (!send_command(command::write_config, cfg) || !send_command(command::enable_keyboard))
        return state_ = State::ControllerFailed;
    flush_output();

    // Reset the keyboard: ACK, then the result of its basic assurance test.
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (!wait_input_empty()) return state_ = State::ControllerFailed;
        arch::out8(data_port, keyboard_reset);
        const auto ack = read_data(reset_budget);
        if (ack == keyboard_resend) continue;
        if (ack != keyboard_ack) return state_ = State::NoKeyboard;
        const auto bat = read_data(reset_budget);
        return state_ = bat == keyboard_bat_ok ? State::Ready : State::NoKeyboard;
    }
    return state_ = State::NoKeyboard;
}

void Ps2Keyboard::enable_interrupt() {
    if (state_ != State::Ready) return;
    if (!send_command(command::read_config)) return;
    const auto cfg = read_data();
    if (!cfg) return;
    if (send_command(command::write_config, static_cast<u8>(*cfg | config::keyboard_interrupt)))
        interrupt_ = true;
}

void Ps2Keyboard::receive(u8 byte) {
    // Replies to commands and error codes (00h/FFh overrun) are not scancodes.
    if (byte == keyboard_ack || byte == keyboard_resend || byte == 0x00 || byte == 0xFF) return;
    const auto event = decoder_.feed(byte);
    if (!event) return;
    if (head_ - tail_ == queue_size) {
        ++dropped_;
        return;
    }
    queue_[head_ % queue_size] = *event;
    asm volatile("" ::: "memory"); // the event is complete before the consumer can see it
    head_ = head_ + 1;
}

void Ps2Keyboard::on_interrupt() {
    const u8 st = arch::in8(status_port);
    if (!(st & status::output_full)) return;
    const u8 byte = arch::in8(data_port);
    if (!(st & status::aux_data)) receive(byte);
}

void Ps2Keyboard::poll() {
    if (state_ != State::Ready) return;
    for (int i = 0; i < 16; ++i) {
        const u8 st = arch::in8(status_port);
        if (!(st & status::output_full)) return;
        const u8 byte = arch::in8(data_port);
        if (!(st & status::aux_data)) receive(byte);
    }
}

std::optional<KeyEvent> Ps2Keyboard::next_event() {
    if (!interrupt_) poll();
    if (tail_ == head_) return std::nullopt;
    const KeyEvent event = queue_[tail_ % queue_size];
    asm volatile("" ::: "memory");
    tail_ = tail_ + 1;
    return event;
}

std::optional<char> Ps2Keyboard::next_char() {
    while (const auto event = next_event())
        if (event->pressed && event->ascii) return event->ascii;
    return std::nullopt;
}

void Ps2Keyboard::report(Sink& out) const {
    switch (state_) {
    case State::NotProbed: format(out, "keyboard: not probed\n"); break;
    case State::NoController: format(out, "keyboard: no i8042 controller\n"); break;
    case State::ControllerFailed:
        format(out, "keyboard: i8042 controller not working (self-test answered {:02x})\n", self_test_);
        break;
    case State::NoKeyboard: format(out, "keyboard: i8042 ok, no PS/2 keyboard answered the reset\n"); break;
    case State::Ready:
        format(out, "keyboard: i8042 ok, PS/2 keyboard reset ok (scancode set 1 via translation, {})\n",
               interrupt_ ? "IRQ 1" : "polled");
        break;
    }
}

Ps2Keyboard& keyboard() {
    static Ps2Keyboard kbd;
    return kbd;
}

} // namespace realvm::kernel::drivers
