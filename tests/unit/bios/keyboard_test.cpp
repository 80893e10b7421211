// The IRQ 1 scancode translation (the ROM's INT 09h trap with AL = byte from port 60h) and INT 16h.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;
using vcpu::Seg;

// The trap inside the ROM's IRQ 1 handler, with `code` in AL as IN AL,60h left it.
TrapResult scancode(Machine& m, u8 code) {
    m.cpu.segment(Seg::cs) = {0xf000, 0xf0000, 0xffff, vcpu::seg_attr::real_mode_code};
    m.cpu.rip = rom::int09_trap;
    m.set(Gpr::rax, 0x4f00 | code);
    const TrapResult r = m.bios.handle_trap(m.cpu, m.memory);
    EXPECT_EQ(m.cpu.rip, rom::int09_trap + 2u);
    return r;
}

void keys(Machine& m, std::initializer_list<u8> codes) {
    for (u8 c : codes)
        scancode(m, c);
}

// INT 16h AH=func; returns AX, or -1 when it would wait (ROM wait loop) / ZF says empty.
int key(Machine& m, u8 func) {
    m.set(Gpr::rax, u16(func << 8));
    m.int_n(0x16);
    if (!m.returned) {
        EXPECT_EQ(m.cpu.rip, rom::int16_wait);
        return -1;
    }
    if ((func & 0x0f) == 0x01 && m.zf()) return -1;
    return m.ax();
}

TEST(BiosKeyboard, PlainShiftedCapsAndControl) {
    Machine m;
    keys(m, {0x1e, 0x9e});             // a
    keys(m, {0x2a, 0x1e, 0x9e, 0xaa}); // Shift-a
    keys(m, {0x3a, 0xba, 0x1e, 0x9e}); // Caps Lock on, a
    keys(m, {0x2a, 0x1e, 0x9e, 0xaa}); // Caps Lock + Shift: a
    keys(m, {0x3a, 0xba});             // Caps Lock off
    keys(m, {0x1d, 0x2e, 0xae, 0x9d}); // Ctrl-c
    keys(m, {0x38, 0x2d, 0xad, 0xb8}); // Alt-x
    keys(m, {0x1c, 0x9c, 0x02, 0x82}); // Enter, 1
    EXPECT_EQ(key(m, 0x00), 0x1e61);
    EXPECT_EQ(key(m, 0x00), 0x1e41);
    EXPECT_EQ(key(m, 0x00), 0x1e41);
    EXPECT_EQ(key(m, 0x00), 0x1e61);
    EXPECT_EQ(key(m, 0x00), 0x2e03);
    EXPECT_EQ(key(m, 0x00), 0x2d00);
    EXPECT_EQ(key(m, 0x00), 0x1c0d);
    EXPECT_EQ(key(m, 0x00), 0x0231);
    EXPECT_EQ(key(m, 0x00), -1);
    EXPECT_EQ(m.memory.b(0x417) & 0x4f, 0); // no shift, ctrl, alt or caps left on
}

TEST(BiosKeyboard, GreyKeysAndEnhancedFunctions) {
    Machine m;
    keys(m, {0xe0, 0x48, 0xe0, 0xc8}); // grey Up
    keys(m, {0x48, 0xc8});             // keypad 8 (Num Lock off): Up too
    keys(m, {0x57, 0xd7});             // F11: only the enhanced functions see it
    keys(m, {0xe0, 0x1c, 0xe0, 0x9c}); // keypad Enter
    EXPECT_EQ(key(m, 0x11), 0x48e0);   // peek, extended
    EXPECT_EQ(key(m, 0x10), 0x48e0);
    EXPECT_EQ(key(m, 0x10), 0x4800);
    EXPECT_EQ(key(m, 0x10), 0x8500);
    EXPECT_EQ(key(m, 0x10), 0xe00d);
    keys(m, {0xe0, 0x48, 0xe0, 0xc8, 0x57, 0xd7, 0xe0, 0x1c, 0xe0, 0x9c});
    EXPECT_EQ(key(m, 0x00), 0x4800); // E0h marker removed
    EXPECT_EQ(key(m, 0x00), 0x1c0d); // F11 dropped, keypad Enter as Enter
    EXPECT_EQ(key(m, 0x01), -1);
}

TEST(BiosKeyboard, NumLockKeypad) {
    Machine m;
    keys(m, {0x45, 0xc5, 0x47, 0xc7}); // Num Lock on, keypad 7
    EXPECT_EQ(key(m, 0x00), 0x4737);
    EXPECT_TRUE(m.memory.b(0x417) & kbd::num_lock);
    keys(m, {0xe0, 0x47, 0xe0, 0xc7}); // grey Home is not affected by Num Lock
    EXPECT_EQ(key(m, 0x10), 0x47e0);
}

TEST(BiosKeyboard, PeekLeavesTheKeyAndSetsZf) {
    Machine m;
    EXPECT_EQ(key(m, 0x01), -1);
    EXPECT_TRUE(m.zf());
    keys(m, {0x10, 0x90});
    m.set(Gpr::rax, 0x0100);
    m.int_n(0x16, 0x0242); // caller's ZF set: the BIOS clears it
    EXPECT_FALSE(m.zf());
    EXPECT_EQ(m.ax(), 0x1071);
    EXPECT_EQ(key(m, 0x00), 0x1071);
}

TEST(BiosKeyboard, ReadWaitsInTheRomWithInterruptsOn) {
    Machine m;
    EXPECT_EQ(key(m, 0x00), -1);
    // The wait loop: STI; HLT; JMP to the INT 16h entry.
    EXPECT_EQ(m.memory.b(0xf0000 + rom::int16_wait), 0xfb);
    EXPECT_EQ(m.memory.b(0xf0000 + rom::int16_wait + 1), 0xf4);
    const u16 rel = m.memory.w(0xf0000 + rom::int16_wait + 3);
    EXPECT_EQ(u16(rom::int16_wait + 5 + rel), rom::int16_keyboard);
    // IRQ 1 brings a key; the retried UD2 returns it through the IRET.
    keys(m, {0x1e});
    m.cpu.rip = rom::int16_keyboard;
    m.set(Gpr::rax, 0x0000);
    EXPECT_EQ(m.bios.handle_trap(m.cpu, m.memory).action, TrapAction::serviced);
    EXPECT_EQ(m.ax(), 0x1e61);
    EXPECT_EQ(m.memory.b(0xf0000 + m.cpu.rip), 0xcf);
}

TEST(BiosKeyboard, StoreKeyAndFullBuffer) {
    Machine m;
    for (unsigned i = 0; i < 15; ++i) {
        m.set(Gpr::rax, 0x0500);
        m.set(Gpr::rcx, 0x3000 + i);
        m.int_n(0x16);
        EXPECT_EQ(m.al(), 0) << i;
    }
    m.set(Gpr::rax, 0x0500);
    m.set(Gpr::rcx, 0x9999);
    m.int_n(0x16);
    EXPECT_EQ(m.al(), 1); // 16 slots hold 15 keys
    for (unsigned i = 0; i < 15; ++i)
        EXPECT_EQ(key(m, 0x10), int(0x3000 + i));
    EXPECT_EQ(key(m, 0x11), -1);
}

TEST(BiosKeyboard, ShiftFlags) {
    Machine m;
    keys(m, {0x2a, 0xe0, 0x1d, 0x46, 0xc6});
    m.set(Gpr::rax, 0x0200);
    m.int_n(0x16);
    EXPECT_EQ(m.al(), kbd::left_shift | kbd::ctrl | kbd::scroll_lock);
    EXPECT_EQ(m.al(), m.memory.b(0x417));
    m.set(Gpr::rax, 0x1200);
    m.int_n(0x16);
    EXPECT_EQ(m.ah(), 0x04); // right Ctrl held
}

TEST(BiosKeyboard, CtrlAltDelReboots) {
    Machine m;
    keys(m, {0x1d, 0x38});
    EXPECT_EQ(scancode(m, 0x53).action, TrapAction::reboot);
    EXPECT_EQ(m.memory.w(0x472), 0x1234);
}

TEST(BiosKeyboard, PauseSequenceIsNoKey) {
    Machine m;
    keys(m, {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5});
    EXPECT_EQ(key(m, 0x11), -1);
    EXPECT_FALSE(m.memory.b(0x417) & (kbd::ctrl | kbd::num_lock));
}

TEST(BiosKeyboard, IrqHandlerCode) {
    Machine m;
    // PUSH AX; IN AL,60h; MOV AH,4Fh; STC; INT 15h; JNC +2; UD2; CLI; MOV AL,20h; OUT 20h,AL; POP AX; IRET
    const u8 expected[] = {0x50, 0xe4, 0x60, 0xb4, 0x4f, 0xf9, 0xcd, 0x15, 0x73, 0x02,
                           0x0f, 0x0b, 0xfa, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf};
    for (unsigned i = 0; i < sizeof expected; ++i)
        EXPECT_EQ(m.memory.b(0xf0000 + rom::int09_keyboard_irq + i), expected[i]) << i;
}

} // namespace
} // namespace realvm::bios::test
