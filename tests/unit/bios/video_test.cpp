// INT 10h text services: the values tests/guests/expected/rm_bios.txt records from SeaBIOS.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace realvm::bios::test {
namespace {

using vcpu::Gpr;

u64 cell(unsigned row, unsigned col) { return 0xb8000 + (row * 80 + col) * 2; }

void teletype(Machine& m, const char* s) {
    for (; *s; ++s) {
        m.set(Gpr::rax, 0x0e00 | u8(*s));
        m.set(Gpr::rbx, 0);
        m.int_n(0x10);
    }
}

void set_cursor(Machine& m, u8 row, u8 col, u8 page = 0) {
    m.set(Gpr::rax, 0x0200);
    m.set(Gpr::rbx, u16(page << 8));
    m.set(Gpr::rdx, u16(row << 8 | col));
    m.int_n(0x10);
}

u16 get_cursor(Machine& m, u8 page = 0) {
    m.set(Gpr::rax, 0x0300);
    m.set(Gpr::rbx, u16(page << 8));
    m.int_n(0x10);
    return u16(m.reg(Gpr::rdx));
}

TEST(BiosVideo, RmBiosSequence) {
    Machine m;
    m.memory.set_w(cell(3, 3), 0x1234);
    m.set(Gpr::rax, 0x0003);
    m.int_n(0x10);
    EXPECT_EQ(m.al(), 0x30);
    EXPECT_EQ(m.memory.w(cell(3, 3)), 0x0720);
    m.set(Gpr::rax, 0x0f00);
    m.int_n(0x10);
    EXPECT_EQ(m.ax(), 0x5003);
    EXPECT_EQ((m.reg(Gpr::rbx) >> 8) & 0xff, 0u);

    set_cursor(m, 5, 10);
    EXPECT_EQ(get_cursor(m), 0x050a);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 0x0607u); // cursor type
    teletype(m, "abc\r\nde");
    EXPECT_EQ(get_cursor(m), 0x0602);
    EXPECT_EQ(m.memory.w(cell(5, 10)), 0x0761);
    EXPECT_EQ(m.memory.w(cell(6, 1)), 0x0765);
    EXPECT_EQ(m.console.text, "abc\r\nde");

    set_cursor(m, 1, 3);
    m.set(Gpr::rax, 0x0958);
    m.set(Gpr::rbx, 0x001f);
    m.set(Gpr::rcx, 1);
    m.int_n(0x10);
    m.set(Gpr::rax, 0x0800);
    m.set(Gpr::rbx, 0);
    m.int_n(0x10);
    EXPECT_EQ(m.ax(), 0x1f58);
    EXPECT_EQ(get_cursor(m), 0x0103); // AH=09h does not move the cursor

    m.set(Gpr::rax, 0x0601);
    m.set(Gpr::rbx, 0x0700);
    m.set(Gpr::rcx, 0);
    m.set(Gpr::rdx, 0x184f);
    m.int_n(0x10);
    EXPECT_EQ(m.memory.w(cell(0, 3)), 0x1f58);
    EXPECT_EQ(m.memory.w(cell(24, 0)), 0x0720);
    EXPECT_EQ(m.memory.b(0x449), 3);
    EXPECT_EQ(m.memory.w(0x44a), 80);
    EXPECT_EQ(m.memory.w(0x450), 0x0103);
}

TEST(BiosVideo, TeletypeScrollsAtTheBottom) {
    Machine m;
    m.memory.set_w(cell(1, 0), 0x0741);  // 'A' on row 1
    m.memory.set_w(cell(24, 5), 0x1e42); // 'B' on the last row, attribute 1Eh
    set_cursor(m, 24, 79);
    teletype(m, "x"); // fills the last column, wraps: the screen scrolls
    EXPECT_EQ(get_cursor(m), 0x1800);
    EXPECT_EQ(m.memory.w(cell(0, 0)), 0x0741);  // row 1 moved up
    EXPECT_EQ(m.memory.w(cell(23, 5)), 0x1e42); // the last row moved up
    EXPECT_EQ(m.memory.b(cell(23, 79)), 'x');
    EXPECT_EQ(m.memory.b(cell(24, 5)), ' '); // new blank line
    teletype(m, "\n");
    EXPECT_EQ(get_cursor(m), 0x1800);
    EXPECT_EQ(m.memory.w(cell(22, 5)), 0x1e42);
}

TEST(BiosVideo, TeletypeControlCharacters) {
    Machine m;
    set_cursor(m, 2, 5);
    teletype(m, "\b");
    EXPECT_EQ(get_cursor(m), 0x0204);
    teletype(m, "\a");
    EXPECT_EQ(get_cursor(m), 0x0204);
    EXPECT_EQ(m.memory.b(cell(2, 4)), ' ');
    teletype(m, "\t");
    EXPECT_EQ(get_cursor(m), 0x0208);
    teletype(m, "\r");
    EXPECT_EQ(get_cursor(m), 0x0200);
    set_cursor(m, 2, 0);
    teletype(m, "\b");
    EXPECT_EQ(get_cursor(m), 0x0200);
}

TEST(BiosVideo, HardwareCursorFollows) {
    Machine m;
    m.ports.writes.clear();
    set_cursor(m, 2, 3);
    const auto index = m.ports.writes_to(0x3d4), data = m.ports.writes_to(0x3d5);
    ASSERT_EQ(index.size(), 2u);
    EXPECT_EQ(index[0], 0x0eu);
    EXPECT_EQ((data[0] << 8) | data[1], 2u * 80 + 3);
}

TEST(BiosVideo, PagesAreSeparate) {
    Machine m;
    m.set(Gpr::rax, 0x0501);
    m.int_n(0x10);
    EXPECT_EQ(m.memory.b(0x462), 1);
    EXPECT_EQ(m.memory.w(0x44e), 0x1000);
    set_cursor(m, 0, 0, 1);
    teletype(m, "p");
    EXPECT_EQ(m.memory.b(0xb8000 + 0x1000), 'p');
    EXPECT_EQ(get_cursor(m, 1), 0x0001);
    EXPECT_EQ(get_cursor(m, 0), 0x0000);
    m.set(Gpr::rax, 0x0f00);
    m.int_n(0x10);
    EXPECT_EQ((m.reg(Gpr::rbx) >> 8) & 0xff, 1u);
}

TEST(BiosVideo, ScrollDownWindowWithAttribute) {
    Machine m;
    m.memory.set_w(cell(5, 10), 0x0731);
    m.set(Gpr::rax, 0x0702); // down 2 lines
    m.set(Gpr::rbx, 0x4700);
    m.set(Gpr::rcx, 0x050a); // rows 5-9, columns 10-20
    m.set(Gpr::rdx, 0x0914);
    m.int_n(0x10);
    EXPECT_EQ(m.memory.w(cell(7, 10)), 0x0731);
    EXPECT_EQ(m.memory.w(cell(5, 10)), 0x4720);
    EXPECT_EQ(m.memory.w(cell(6, 20)), 0x4720);
    EXPECT_EQ(m.memory.w(cell(5, 21)), 0x0720); // outside the window
    m.set(Gpr::rax, 0x0600);                    // AL = 0: clear the window
    m.set(Gpr::rbx, 0x1100);
    m.int_n(0x10);
    EXPECT_EQ(m.memory.w(cell(7, 10)), 0x1120);
}

TEST(BiosVideo, WriteString) {
    Machine m;
    const char text[] = "hi\r\n!";
    for (unsigned i = 0; i < 5; ++i)
        m.memory.bytes[0x3000 + i] = u8(text[i]);
    m.set_es(0x0300);
    m.set(Gpr::rbp, 0);
    m.set(Gpr::rax, 0x1301); // move the cursor
    m.set(Gpr::rbx, 0x002e);
    m.set(Gpr::rcx, 5);
    m.set(Gpr::rdx, 0x0304);
    m.int_n(0x10);
    EXPECT_EQ(m.memory.w(cell(3, 4)), 0x2e68);
    EXPECT_EQ(m.memory.w(cell(3, 5)), 0x2e69);
    EXPECT_EQ(m.memory.w(cell(4, 0)), 0x2e21);
    EXPECT_EQ(get_cursor(m), 0x0401);
    m.set(Gpr::rax, 0x1300); // AL bit 0 clear: the cursor stays
    m.set(Gpr::rdx, 0x1000);
    m.int_n(0x10);
    EXPECT_EQ(get_cursor(m), 0x0401);
}

TEST(BiosVideo, InformationFunctions) {
    Machine m;
    m.set(Gpr::rax, 0x1200);
    m.set(Gpr::rbx, 0x0010);
    m.int_n(0x10);
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xffff, 0x0003u);
    m.set(Gpr::rax, 0x1a00);
    m.int_n(0x10);
    EXPECT_EQ(m.al(), 0x1a);
    EXPECT_EQ(m.reg(Gpr::rbx) & 0xff, 0x08u);
    m.set(Gpr::rax, 0x1130); // font information, as Linux's boot code and DOS programs ask
    m.set(Gpr::rbx, 0x0000);
    m.int_n(0x10);
    EXPECT_EQ(m.reg(Gpr::rcx) & 0xffff, 16u);
    EXPECT_EQ(m.reg(Gpr::rdx) & 0xff, 24u);
    m.set(Gpr::rax, 0x1114); // load the ROM 8x16 font: accepted silently
    m.int_n(0x10);
    m.set(Gpr::rax, 0x1003); // blink/intensity: no palette, silently
    m.int_n(0x10);
    EXPECT_TRUE(m.console.logs.empty());
    m.set(Gpr::rax, 0x4f00); // VBE: not supported (AL stays != 4Fh), logged once
    m.int_n(0x10);
    EXPECT_NE(m.al(), 0x4f);
    m.int_n(0x10);
    EXPECT_EQ(m.console.logs.size(), 1u);
}

TEST(BiosVideo, Mode7UsesTheMonochromeBuffer) {
    Machine m;
    m.set(Gpr::rax, 0x0007);
    m.int_n(0x10);
    EXPECT_EQ(m.memory.w(0x463), 0x3b4);
    teletype(m, "m");
    EXPECT_EQ(m.memory.w(0xb0000), 0x076d);
}

} // namespace
} // namespace realvm::bios::test
