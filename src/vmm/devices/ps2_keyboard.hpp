// A PS/2 (MF II) keyboard as the 8042 sees it: it answers the host's commands and sends scancodes in
// the set the host chose. The monitor feeds keys in scancode set 1 (what a translated real keyboard
// gives it); the keyboard sends them in its current set.
//
// References: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and Auxiliary Device
// Controller" and "101/102-Key Keyboard": commands ED, EE, F0, F2, F3, F4, F5, F6, FE, FF; the
// responses FA (ACK), AA (BAT passed), AB 83 (ID), FE (resend).
#pragma once

#include <array>

#include "base/types.hpp"

namespace realvm::devices {

// The 8042's fixed translation of set 2 codes (its keyboard input) to set 1 (what the system reads),
// for codes 0x00-0x84; above that codes pass unchanged. The F0 break prefix is absorbed and sets bit 7
// of the following translated code.
u8 translate_set2_to_set1(u8 code);
// The inverse for make codes 0x00-0x7f: what a set 2 keyboard sends for a set 1 make code.
u8 set1_to_set2(u8 make_code);

class Ps2Keyboard {
  public:
    static constexpr usize queue_size = 16;

    void host_command(u8 byte);
    // One byte of scancode set 1 from the user (E0/E1 prefixes included, bit 7 = release).
    void key_set1(u8 byte);

    bool has_output() const { return count_ != 0; }
    u8 pop();

    u8 scancode_set() const { return set_; }
    u8 leds() const { return leds_; }
    bool scanning() const { return scanning_; }

  private:
    void send(u8 byte);
    void reset_defaults();

    std::array<u8, queue_size> queue_{};
    usize head_ = 0;
    usize count_ = 0;
    u8 awaiting_ = 0; // a command waiting for its argument (ED, F0, F3)
    u8 last_sent_ = 0;
    u8 set_ = 2;
    u8 leds_ = 0;
    bool scanning_ = true;
};

} // namespace realvm::devices
