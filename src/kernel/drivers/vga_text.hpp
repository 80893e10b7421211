// VGA text mode (80x25 at physical 0xB8000, IBM VGA Technical Reference): the monitor's screen
// console while no VM owns the screen, and the place the focused VM's text screen is shown.
#pragma once

#include <span>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::kernel::drivers {

// The 16 text colours of the default palette (attribute bits 0-3 foreground, 4-6 background).
enum class VgaColor : u8 {
    Black,
    Blue,
    Green,
    Cyan,
    Red,
    Magenta,
    Brown,
    LightGray,
    DarkGray,
    LightBlue,
    LightGreen,
    LightCyan,
    LightRed,
    LightMagenta,
    Yellow,
    White,
};

constexpr u8 vga_attribute(VgaColor foreground, VgaColor background) {
    return static_cast<u8>(static_cast<u8>(foreground) | (static_cast<u8>(background) & 0x7) << 4);
}
// A screen cell as the hardware stores it: character in the low byte, attribute in the high byte.
constexpr u16 vga_cell(char c, u8 attribute) { return static_cast<u16>(static_cast<u8>(c) | attribute << 8); }

class VgaText {
  public:
    static constexpr unsigned columns = 80;
    static constexpr unsigned rows = 25;
    static constexpr usize cells = columns * rows;

    // Checks that text memory holds what is written to it (no VGA under `qemu -nodefaults` without
    // `-vga std`: then every call below does nothing). Clears the screen when present.
    bool probe();
    bool present() const { return present_; }

    void clear();
    void set_attribute(u8 attribute) { attribute_ = attribute; }
    u8 attribute() const { return attribute_; }
    // Writes text at the cursor: '\n' new line, '\r' column 0, '\t' to the next multiple of 8,
    // '\b' one back; scrolls up at the bottom. Moves the hardware cursor.
    void write(const char* text, usize length);
    void put(char c);

    // Copies a whole 80x25 screen (e.g. a VM's virtual text buffer) and places the cursor;
    // `cursor_row >= rows` hides it.
    void show(std::span<const u16, cells> screen, unsigned cursor_row, unsigned cursor_column);

    unsigned row() const { return row_; }
    unsigned column() const { return column_; }
    void set_cursor(unsigned row, unsigned column);

  private:
    void scroll();
    void new_line();
    void update_hardware_cursor(bool visible = true);

    bool present_ = false;
    unsigned row_ = 0;
    unsigned column_ = 0; // may be `columns` after a character in the last column (pending wrap)
    u8 attribute_ = vga_attribute(VgaColor::LightGray, VgaColor::Black);
};

VgaText& vga();

// The monitor's log on the screen: a Sink that writes to the VGA text screen while the monitor owns
// it, and drops text while a VM's screen is shown (set_active(false)).
class VgaConsole final : public Sink {
  public:
    void write(const char* text, usize length) override;
    void set_active(bool active) { active_ = active; }
    bool active() const { return active_; }

  private:
    bool active_ = true;
};

VgaConsole& vga_console();

} // namespace realvm::kernel::drivers
