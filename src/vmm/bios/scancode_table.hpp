// Scancode set 1 → INT 16h key codes (scan code in the high byte, character in the low byte) for each
// shift state, as the IBM PC AT / enhanced (101-key) keyboard BIOS produces them (IBM PC AT Technical
// Reference, "Keyboard" character codes and extended codes; RBIL INT 16h table 00006).
#pragma once

#include "base/types.hpp"

namespace realvm::bios {

struct KeyCodes {
    u16 normal, shift, ctrl, alt; // 0: the combination produces no key
};

// The key of make code `make` (0x01-0x58) without an E0 prefix; nullptr when none.
const KeyCodes* key_codes(u8 make);
// The grey keys of the enhanced keyboard (E0-prefixed make codes); nullptr when none.
const KeyCodes* grey_key_codes(u8 make);
// Keypad keys whose normal/shift columns swap with Num Lock, letters whose columns swap with Caps Lock.
constexpr bool is_keypad(u8 make) { return make >= 0x47 && make <= 0x53 && make != 0x4a && make != 0x4e; }
bool is_letter(u8 make);

} // namespace realvm::bios
