// PS/2 keyboard behind the i8042 keyboard controller: controller bring-up, keyboard reset, scancode
// set 1 decoding (scancode_set1.hpp) into a small ring of key events. Interrupt-driven on IRQ 1 once
// the monitor routes it (on_interrupt), polled otherwise (poll).
#pragma once

#include <optional>

#include "base/sink.hpp"
#include "kernel/drivers/scancode_set1.hpp"

namespace realvm::kernel::drivers {

class Ps2Keyboard {
  public:
    // What init() found, for the boot report.
    enum class State : u8 { NotProbed, NoController, ControllerFailed, NoKeyboard, Ready };

    // Brings up the controller (disable both ports, flush, self-test 0xAA -> 0x55, configuration
    // byte with translation to set 1, interface test, enable port 1) and resets the keyboard
    // (0xFF -> 0xFA 0xAA). Keyboard interrupts stay off until enable_interrupt().
    State init();
    State state() const { return state_; }

    // Lets the controller raise IRQ 1 for each byte; call after routing IRQ 1 to on_interrupt().
    void enable_interrupt();
    // IRQ 1 handler: takes the byte the controller holds and queues the event it completes.
    void on_interrupt();
    // Polled mode: drains whatever bytes the controller holds into the queue.
    void poll();

    // The oldest queued key event (presses and releases), if any.
    std::optional<KeyEvent> next_event();
    // The next typed character (releases and keys without ASCII are skipped), if any.
    std::optional<char> next_char();

    // `keyboard: i8042 ready, PS/2 keyboard reset ok (scancode set 1 via translation, polled)`
    void report(Sink& out) const;

  private:
    void receive(u8 byte);

    static constexpr usize queue_size = 64; // a power of two
    KeyEvent queue_[queue_size];
    // Single producer (the IRQ handler or poll) and single consumer; the indices only grow.
    volatile u32 head_ = 0;
    volatile u32 tail_ = 0;
    u32 dropped_ = 0;
    ScancodeSet1Decoder decoder_;
    State state_ = State::NotProbed;
    bool interrupt_ = false;
    u8 self_test_ = 0;
};

Ps2Keyboard& keyboard();

} // namespace realvm::kernel::drivers
