// VGA text mode registers as Linux (drivers/video/console/vgacon.c, arch/x86/boot/video-vga.c) and a
// BIOS's INT 10h program them. Expected values: IBM VGA Technical Reference / FreeVGA register pages.
#include "vmm/devices/io_bus.hpp"
#include "vmm/devices/vga_text.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

using namespace realvm;
using namespace realvm::devices;

namespace {
struct VgaTest : ::testing::Test {
    fakes::FakeHost host;
    VgaText vga{host};
    IoBus bus{host};
    std::vector<u8> memory = std::vector<u8>(VgaText::text_window_size, 0);
    TextScreen screen;

    void SetUp() override { ASSERT_TRUE(bus.claim(Port(VgaText::first_port), VgaText::port_count, vga)); }
    void out(u16 port, u8 value) { bus.write(Port(port), 1, value); }
    u8 in(u16 port) { return u8(bus.read(Port(port), 1)); }
    void put(unsigned cell, const char* text, u8 attribute = 0x1f) {
        for (; *text; ++text, ++cell) {
            memory[cell * 2] = u8(*text);
            memory[cell * 2 + 1] = attribute;
        }
    }
    void set_cursor(u16 position) { // vgacon_set_cursor_size/vgacon_cursor via CRTC 0x0e/0x0f
        out(0x3d4, 0x0e);
        out(0x3d5, u8(position >> 8));
        out(0x3d4, 0x0f);
        out(0x3d5, u8(position));
    }
};
} // namespace

TEST_F(VgaTest, Mode3RegistersAfterReset) {
    EXPECT_EQ(in(0x3cc), 0x67); // misc output: colour addressing, 28 MHz clock
    out(0x3d4, 0x0a);
    EXPECT_EQ(in(0x3d5), 0x0d); // cursor start line 13
    out(0x3d4, 0x0b);
    EXPECT_EQ(in(0x3d5), 0x0e); // cursor end line 14
    out(0x3d4, 0x13);
    EXPECT_EQ(in(0x3d5), 0x28); // offset: 80 characters per row
    out(0x3c4, 0x04);
    EXPECT_EQ(in(0x3c5), 0x02); // sequencer memory mode
}

TEST_F(VgaTest, RendersCellsAndCursor) {
    put(0, "Hello");
    put(80 + 3, "World", 0x4e);
    set_cursor(80 + 8);
    vga.render(memory, screen);
    EXPECT_EQ(screen.cells[0].character, 'H');
    EXPECT_EQ(screen.cells[0].attribute, 0x1f);
    EXPECT_EQ(screen.cells[83].character, 'W');
    EXPECT_EQ(screen.cells[87].attribute, 0x4e);
    EXPECT_EQ(screen.cursor_row, 1);
    EXPECT_EQ(screen.cursor_column, 8);
    EXPECT_TRUE(screen.cursor_visible);
    EXPECT_EQ(screen.cursor_start_line, 13);
    EXPECT_EQ(screen.cursor_end_line, 14);
}

TEST_F(VgaTest, StartAddressScrollsAndWordOutsWriteIndexThenData) {
    put(80, "second row");
    bus.write(Port(0x3d4), 2, 0x000c);              // outw: index 0x0c, data 0
    bus.write(Port(0x3d4), 2, u32(80) << 8 | 0x0d); // start address = 80 cells (vgacon scrolling)
    EXPECT_EQ(vga.start_address(), 80);
    set_cursor(80);
    vga.render(memory, screen);
    EXPECT_EQ(screen.cells[0].character, 's');
    EXPECT_EQ(screen.cursor_row, 0);
    EXPECT_EQ(screen.cursor_column, 0);
}

TEST_F(VgaTest, CursorDisableBit) {
    // INT 10h AH=01 with CH bit 5 set (CX = 0x2000) hides the cursor: CRTC 0x0a bit 5.
    out(0x3d4, 0x0a);
    out(0x3d5, 0x20);
    vga.render(memory, screen);
    EXPECT_FALSE(screen.cursor_visible);
}

TEST_F(VgaTest, AttributeFlipFlopIsResetByInputStatus1) {
    in(0x3da);
    out(0x3c0, 0x10 | 0x20); // index 0x10 (mode control), palette source on
    out(0x3c0, 0x08);        // data: blink enable
    EXPECT_EQ(in(0x3c0), 0x30);
    EXPECT_EQ(in(0x3c1), 0x08);
    out(0x3c0, 0x11); // the flip-flop is back at "index"
    in(0x3da);
    out(0x3c0, 0x31); // a read of 0x3da forced it to "index" again
    out(0x3c0, 0x05);
    in(0x3da);
    out(0x3c0, 0x31);
    EXPECT_EQ(in(0x3c1), 0x05); // overscan colour
}

TEST_F(VgaTest, VerticalRetraceAppearsOncePerFrame) {
    // Programs wait for bit 3 of input status 1 to rise to time their updates.
    int retrace_samples = 0;
    int blank_samples = 0;
    const int samples = 14270;
    for (int i = 0; i < samples; ++i) {
        host.now = u64(i) * 1000; // 1 us steps over one 14.27 ms frame
        const u8 status = in(0x3da);
        retrace_samples += (status >> 3) & 1;
        blank_samples += status & 1;
    }
    EXPECT_NEAR(retrace_samples, 64, 2); // 2 lines of 31.778 us
    EXPECT_GT(blank_samples, retrace_samples);
    EXPECT_LT(blank_samples, samples);
}

TEST_F(VgaTest, MonoAddressingMovesTheCrtc) {
    out(0x3c2, 0x66); // misc output bit 0 = 0: CRTC at 0x3b4/0x3b5, status at 0x3ba
    out(0x3b4, 0x0f);
    out(0x3b5, 0x42);
    EXPECT_EQ(vga.cursor_location() & 0xff, 0x42);
    EXPECT_EQ(in(0x3d5), 0xff);
    out(0x3c2, 0x67);
}

TEST_F(VgaTest, CrtcWriteProtectAndDac) {
    out(0x3d4, 0x00);
    out(0x3d5, 0x12); // protected by CRTC 0x11 bit 7 (set in mode 3)
    EXPECT_EQ(in(0x3d5), 0x5f);
    out(0x3c8, 0x01);
    out(0x3c9, 0x3f);
    out(0x3c9, 0x20);
    out(0x3c9, 0xff); // 6-bit DAC
    out(0x3c7, 0x01);
    EXPECT_EQ(in(0x3c9), 0x3f);
    EXPECT_EQ(in(0x3c9), 0x20);
    EXPECT_EQ(in(0x3c9), 0x3f);
    EXPECT_EQ(in(0x3c7), 0x03);
}
