#include "vmm/devices/ps2_keyboard.hpp"

namespace realvm::devices {

namespace {
constexpr u8 ack = 0xfa;

// The 8042 translation table (IBM PS/2 Technical Reference; the same table every compatible carries).
constexpr std::array<u8, 0x85> set2_to_set1 = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59, // 00
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, 0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b, // 10
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, 0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d, // 20
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, 0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f, // 30
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, 0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61, // 40
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, 0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76, // 50
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, 0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f, // 60
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, 0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54, // 70
    0x80, 0x81, 0x82, 0x41, 0x54,                                                                   // 80
};

// Later entries win, so F7 (set 2 0x83) and Alt-SysRq (0x84) own set 1 0x41 and 0x54.
constexpr std::array<u8, 0x80> make_inverse() {
    std::array<u8, 0x80> inverse{};
    for (usize code = 1; code < set2_to_set1.size(); ++code) {
        const u8 set1 = set2_to_set1[code];
        if (set1 < 0x80) inverse[set1] = u8(code);
    }
    return inverse;
}
constexpr std::array<u8, 0x80> set1_to_set2_table = make_inverse();
static_assert(set1_to_set2_table[0x1e] == 0x1c, "A");
static_assert(set1_to_set2_table[0x41] == 0x83, "F7");
} // namespace

u8 translate_set2_to_set1(u8 code) { return code < set2_to_set1.size() ? set2_to_set1[code] : code; }
u8 set1_to_set2(u8 make_code) { return set1_to_set2_table[make_code & 0x7f]; }

void Ps2Keyboard::send(u8 byte) {
    if (count_ == queue_size) return; // the keyboard's own buffer overflowed: drop
    queue_[(head_ + count_) % queue_size] = byte;
    ++count_;
    last_sent_ = byte;
}

u8 Ps2Keyboard::pop() {
    if (!count_) return 0;
    const u8 byte = queue_[head_];
    head_ = (head_ + 1) % queue_size;
    --count_;
    return byte;
}

void Ps2Keyboard::reset_defaults() {
    set_ = 2;
    leds_ = 0;
}

void Ps2Keyboard::host_command(u8 byte) {
    if (awaiting_ && !(byte & 0x80)) {
        // The argument of ED (LEDs), F0 (scancode set) or F3 (typematic rate).
        const u8 command = awaiting_;
        awaiting_ = 0;
        if (command == 0xed) {
            leds_ = byte & 7;
            send(ack);
        } else if (command == 0xf0) {
            send(ack);
            if (byte == 0)
                send(set_); // report the current set (1, 2 or 3)
            else if (byte <= 3)
                set_ = byte;
        } else {
            send(ack);
        }
        return;
    }
    awaiting_ = 0;
    switch (byte) {
    case 0xed:
    case 0xf0:
    case 0xf3:
        send(ack);
        awaiting_ = byte;
        break;
    case 0xee: send(0xee); break; // echo
    case 0xf2:                    // identify: MF II keyboard
        send(ack);
        send(0xab);
        send(0x83);
        break;
    case 0xf4:
        scanning_ = true;
        send(ack);
        break;
    case 0xf5:
        scanning_ = false;
        reset_defaults();
        send(ack);
        break;
    case 0xf6:
        reset_defaults();
        send(ack);
        break;
    case 0xfe: send(last_sent_); break; // resend
    case 0xff:                          // reset: ACK, then the basic assurance test result
        head_ = 0;
        count_ = 0;
        reset_defaults();
        scanning_ = true;
        send(ack);
        send(0xaa);
        break;
    default:
        if (byte >= 0xf7)
            send(ack); // set 3 key-type commands: accepted, no effect
        else
            send(0xfe);
        break;
    }
}

void Ps2Keyboard::key_set1(u8 byte) {
    if (!scanning_) return;
    if (set_ == 1 || byte == 0xe0 || byte == 0xe1) {
        send(byte);
        return;
    }
    if (byte & 0x80) send(0xf0);
    send(set1_to_set2(byte));
}

} // namespace realvm::devices
