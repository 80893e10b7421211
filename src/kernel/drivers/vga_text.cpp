#include "kernel/drivers/vga_text.hpp"

#include "arch/x86_64/port_io.hpp"
#include "kernel/drivers/physical.hpp"

namespace realvm::kernel::drivers {
namespace {

constexpr HostPhys text_buffer{0xB8000}; // colour text modes (VGA memory map select 11b)

// CRT controller, colour addressing (Miscellaneous Output bit 0 = 1): index at 3D4h, data at 3D5h.
constexpr u16 crtc_index = 0x3D4, crtc_data = 0x3D5;
namespace crtc {
constexpr u8 cursor_start = 0x0A, cursor_end = 0x0B, cursor_location_high = 0x0E, cursor_location_low = 0x0F;
constexpr u8 cursor_disable = 0x20; // Cursor Start register bit 5
} // namespace crtc

volatile u16* screen() { return physical_pointer<volatile u16>(text_buffer); }

void crtc_write(u8 index, u8 value) {
    arch::out8(crtc_index, index);
    arch::out8(crtc_data, value);
}
u8 crtc_read(u8 index) {
    arch::out8(crtc_index, index);
    return arch::in8(crtc_data);
}

} // namespace

bool VgaText::probe() {
    // Text memory must keep what is written to it.
    volatile u16* cell = screen() + cells - 1;
    const u16 saved = *cell;
    *cell = 0x1234;
    const bool holds_first = *cell == 0x1234;
    *cell = 0xA5C3;
    const bool holds_second = *cell == 0xA5C3;
    *cell = saved;
    // Without a VGA, RAM may show through at B8000h (QEMU -nodefaults does that), so the CRT
    // controller must answer too: its registers read back what was written (IBM VGA Technical
    // Reference; an absent port reads a constant).
    const u8 saved_low = crtc_read(crtc::cursor_location_low);
    crtc_write(crtc::cursor_location_low, 0x5A);
    const bool crtc_first = crtc_read(crtc::cursor_location_low) == 0x5A;
    crtc_write(crtc::cursor_location_low, 0xA5);
    const bool crtc_second = crtc_read(crtc::cursor_location_low) == 0xA5;
    crtc_write(crtc::cursor_location_low, saved_low);
    present_ = holds_first && holds_second && crtc_first && crtc_second;
    if (present_) clear();
    return present_;
}

void VgaText::clear() {
    if (!present_) return;
    for (usize i = 0; i < cells; ++i)
        screen()[i] = vga_cell(' ', attribute_);
    set_cursor(0, 0);
}

void VgaText::set_cursor(unsigned row, unsigned column) {
    row_ = row < rows ? row : rows - 1;
    column_ = column < columns ? column : columns - 1;
    update_hardware_cursor();
}

void VgaText::update_hardware_cursor(bool visible) {
    if (!present_) return;
    const u8 start = crtc_read(crtc::cursor_start);
    if (!visible) {
        crtc_write(crtc::cursor_start, start | crtc::cursor_disable);
        return;
    }
    // An underline cursor on scan lines 14-15 of the 16-line character cell.
    crtc_write(crtc::cursor_start, static_cast<u8>((start & 0xC0) | 14));
    crtc_write(crtc::cursor_end, static_cast<u8>((crtc_read(crtc::cursor_end) & 0xE0) | 15));
    const unsigned position = row_ * columns + (column_ < columns ? column_ : columns - 1);
    crtc_write(crtc::cursor_location_high, static_cast<u8>(position >> 8));
    crtc_write(crtc::cursor_location_low, static_cast<u8>(position));
}

void VgaText::scroll() {
    volatile u16* s = screen();
    for (usize i = 0; i < cells - columns; ++i)
        s[i] = s[i + columns];
    for (usize i = cells - columns; i < cells; ++i)
        s[i] = vga_cell(' ', attribute_);
}

// A character in the last column leaves the cursor "pending" at column 80; the line wraps only when
// another character follows, so an 80-character line followed by '\n' takes one row, not two.
void VgaText::put(char c) {
    switch (c) {
    case '\n': new_line(); break;
    case '\r': column_ = 0; break;
    case '\t': column_ = (column_ + 8) & ~7u; break;
    case '\b':
        if (column_ > 0) --column_;
        break;
    default:
        if (column_ >= columns) new_line();
        screen()[row_ * columns + column_] = vga_cell(c, attribute_);
        ++column_;
        break;
    }
}

void VgaText::new_line() {
    column_ = 0;
    if (++row_ < rows) return;
    scroll();
    row_ = rows - 1;
}

void VgaText::write(const char* text, usize length) {
    if (!present_) return;
    for (usize i = 0; i < length; ++i)
        put(text[i]);
    update_hardware_cursor();
}

void VgaText::show(std::span<const u16, cells> contents, unsigned cursor_row, unsigned cursor_column) {
    if (!present_) return;
    volatile u16* s = screen();
    for (usize i = 0; i < cells; ++i)
        s[i] = contents[i];
    if (cursor_row >= rows || cursor_column >= columns) {
        update_hardware_cursor(false);
        return;
    }
    row_ = cursor_row;
    column_ = cursor_column;
    update_hardware_cursor();
}

VgaText& vga() {
    static VgaText text;
    return text;
}

void VgaConsole::write(const char* text, usize length) {
    if (active_) vga().write(text, length);
}

VgaConsole& vga_console() {
    static VgaConsole console;
    return console;
}

} // namespace realvm::kernel::drivers
