// Scancode set 1 (the IBM PC/XT codes the i8042 produces with translation on) to key events with
// modifiers and US-layout ASCII. Pure logic: no port I/O, so host unit tests exercise it.
//
// Codes: a make code 01h-58h, its break code with bit 7 set; E0h prefixes the extended keys (right
// Ctrl/Alt, arrows, keypad Enter and /); E1h starts the 6-byte Pause sequence (E1 1D 45 E1 9D C5).
#pragma once

#include <optional>

#include "base/types.hpp"

namespace realvm::kernel::drivers {

// Modifier and lock state (bit set = held / on).
namespace key_modifier {
constexpr u8 shift = 1 << 0, ctrl = 1 << 1, alt = 1 << 2, caps_lock = 1 << 3;
}

// A key: its set-1 make code, plus `extended` for E0-prefixed keys (codes below name a few).
namespace key {
constexpr u16 extended = 0x100;
constexpr u16 escape = 0x01, backspace = 0x0E, tab = 0x0F, enter = 0x1C, left_ctrl = 0x1D, left_shift = 0x2A,
              right_shift = 0x36, left_alt = 0x38, space = 0x39, caps_lock = 0x3A, f1 = 0x3B, f10 = 0x44,
              f11 = 0x57, f12 = 0x58, right_ctrl = extended | 0x1D, right_alt = extended | 0x38,
              keypad_enter = extended | 0x1C, home = extended | 0x47, up = extended | 0x48,
              page_up = extended | 0x49, left = extended | 0x4B, right = extended | 0x4D,
              end = extended | 0x4F, down = extended | 0x50, page_down = extended | 0x51,
              insert = extended | 0x52, delete_ = extended | 0x53, pause = extended | 0x45;
} // namespace key

struct KeyEvent {
    u16 key = 0; // see `key`
    bool pressed = false;
    u8 modifiers = 0; // key_modifier bits in effect after this event
    char ascii = 0;   // the character a press types (US layout), 0 for none and for releases
};

class ScancodeSet1Decoder {
  public:
    // Feeds one byte from the keyboard; returns an event when the byte completes one.
    constexpr std::optional<KeyEvent> feed(u8 byte) {
        if (pause_bytes_left_ > 0) {
            if (--pause_bytes_left_ == 0) return KeyEvent{key::pause, true, modifiers_, 0};
            return std::nullopt;
        }
        if (byte == 0xE0) {
            extended_ = true;
            return std::nullopt;
        }
        if (byte == 0xE1) {
            pause_bytes_left_ = 5;
            return std::nullopt;
        }
        const bool extended = extended_;
        extended_ = false;
        const bool pressed = !(byte & 0x80);
        const u8 code = byte & 0x7F;
        // E0 2A / E0 AA (and E0 36 / E0 B6) are "fake shifts" around Print Screen and the navigation
        // keys under Num Lock; they are not the user pressing Shift.
        if (extended && (code == 0x2A || code == 0x36)) return std::nullopt;
        const u16 k = static_cast<u16>((extended ? key::extended : 0) | code);
        update_modifiers(k, pressed);
        return KeyEvent{k, pressed, modifiers_, pressed ? ascii_for(k) : char(0)};
    }

    constexpr u8 modifiers() const { return modifiers_; }

  private:
    constexpr void update_modifiers(u16 k, bool pressed) {
        u8 bit = 0;
        if (k == key::left_shift || k == key::right_shift)
            bit = key_modifier::shift;
        else if (k == key::left_ctrl || k == key::right_ctrl)
            bit = key_modifier::ctrl;
        else if (k == key::left_alt || k == key::right_alt)
            bit = key_modifier::alt;
        else if (k == key::caps_lock && pressed) {
            modifiers_ ^= key_modifier::caps_lock;
            return;
        }
        if (bit == 0) return;
        // Left and right keys of one modifier are tracked together: releasing either clears it.
        modifiers_ = static_cast<u8>(pressed ? (modifiers_ | bit) : (modifiers_ & ~bit));
    }

    constexpr char ascii_for(u16 k) const {
        if (k == key::escape) return 0x1B;
        if (k == key::keypad_enter) return '\r';
        if (k == (key::extended | 0x35)) return '/'; // keypad /
        if (k & key::extended || k >= sizeof(unshifted) - 1) return 0;
        const bool shift = modifiers_ & key_modifier::shift;
        char c = shift ? shifted[k] : unshifted[k];
        if (c == ' ' && k != key::space) return 0;
        const bool letter = unshifted[k] >= 'a' && unshifted[k] <= 'z';
        if (letter && (modifiers_ & key_modifier::caps_lock)) c = shift ? unshifted[k] : shifted[k];
        if (modifiers_ & key_modifier::ctrl) {
            if (letter) return static_cast<char>(unshifted[k] - 'a' + 1); // Ctrl-A = 01h ...
            if (c == '[') return 0x1B;
            if (c == ' ') return 0;
        }
        return c;
    }

    // US layout, indexed by make code 00h-53h; ' ' marks codes that type nothing (space is 39h).
    // Enter gives '\r' and Backspace '\b', as a serial terminal sends them.
    static constexpr char unshifted[] = "  1234567890-=\b\tqwertyuiop[]\r asdfghjkl;'` \\zxcvbnm,./ *   "
                                        "            789-456+1230.";
    static constexpr char shifted[] = "  !@#$%^&*()_+\b\tQWERTYUIOP{}\r ASDFGHJKL:\"~ |ZXCVBNM<>? *   "
                                      "            789-456+1230.";

    u8 modifiers_ = 0;
    bool extended_ = false;
    u8 pause_bytes_left_ = 0;
};

} // namespace realvm::kernel::drivers
