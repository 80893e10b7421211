// The PS/2 keyboard's scancode set 1 decoder (src/kernel/drivers/scancode_set1.hpp), on the host.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "kernel/drivers/scancode_set1.hpp"

using namespace realvm;
using namespace realvm::kernel::drivers;

namespace {

std::vector<KeyEvent> feed(ScancodeSet1Decoder& d, std::initializer_list<u8> bytes) {
    std::vector<KeyEvent> events;
    for (u8 b : bytes)
        if (auto e = d.feed(b)) events.push_back(*e);
    return events;
}

std::string typed(std::initializer_list<u8> bytes) {
    ScancodeSet1Decoder d;
    std::string s;
    for (const auto& e : feed(d, bytes))
        if (e.pressed && e.ascii) s += e.ascii;
    return s;
}

} // namespace

TEST(ScancodeSet1, LettersDigitsAndPunctuation) {
    EXPECT_EQ(typed({0x23, 0xA3, 0x17, 0x97}), "hi");
    EXPECT_EQ(typed({0x02, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B, 0x27, 0x28, 0x29, 0x2B, 0x33, 0x34, 0x35}),
              "10-=[];'`\\,./");
    EXPECT_EQ(typed({0x39, 0x1C, 0x0E, 0x0F}), " \r\b\t");
}

TEST(ScancodeSet1, ShiftGivesUpperCaseAndSymbols) {
    // Left shift down, h, shift up, i; right shift with 1 and /.
    EXPECT_EQ(typed({0x2A, 0x23, 0xA3, 0xAA, 0x17}), "Hi");
    EXPECT_EQ(typed({0x36, 0x02, 0x35, 0xB6, 0x02}), "!?1");
}

TEST(ScancodeSet1, CapsLockTogglesLettersOnly) {
    // Caps on: a -> A, 1 stays 1; with shift held: a -> a. Caps off again: a.
    EXPECT_EQ(typed({0x3A, 0xBA, 0x1E, 0x02, 0x2A, 0x1E, 0xAA, 0x3A, 0xBA, 0x1E}), "A1aa");
}

TEST(ScancodeSet1, CtrlMakesControlCharacters) {
    EXPECT_EQ(typed({0x1D, 0x2E, 0x9D}), "\x03"); // left Ctrl-C
    EXPECT_EQ(typed({0xE0, 0x1D, 0x1E, 0xE0, 0x9D, 0x1E}), "\x01"
                                                           "a"); // right Ctrl-A, then a
    EXPECT_EQ(typed({0x01}), "\x1B");                            // Escape
}

TEST(ScancodeSet1, ModifierStateIsReported) {
    ScancodeSet1Decoder d;
    auto events = feed(d, {0x38, 0x1D, 0x2A});
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[2].modifiers, key_modifier::alt | key_modifier::ctrl | key_modifier::shift);
    feed(d, {0xB8, 0x9D, 0xAA});
    EXPECT_EQ(d.modifiers(), 0);
}

TEST(ScancodeSet1, ExtendedKeysHaveNoAscii) {
    ScancodeSet1Decoder d;
    auto events = feed(d, {0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x1C, 0xE0, 0x35});
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].key, key::up);
    EXPECT_TRUE(events[0].pressed);
    EXPECT_EQ(events[0].ascii, 0);
    EXPECT_EQ(events[1].key, key::up);
    EXPECT_FALSE(events[1].pressed);
    EXPECT_EQ(events[2].key, key::keypad_enter);
    EXPECT_EQ(events[2].ascii, '\r');
    EXPECT_EQ(events[3].ascii, '/'); // keypad /
}

TEST(ScancodeSet1, FakeShiftsAndPauseAreHandled) {
    ScancodeSet1Decoder d;
    // Print Screen: E0 2A E0 37 ... E0 B7 E0 AA; the E0 2A/E0 AA pair must not change Shift.
    auto events = feed(d, {0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA});
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].key, key::extended | 0x37);
    EXPECT_EQ(d.modifiers(), 0);
    // Pause: one event for the whole E1 1D 45 E1 9D C5 sequence, and decoding continues after it.
    events = feed(d, {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x1E});
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].key, key::pause);
    EXPECT_EQ(events[1].ascii, 'a');
}
