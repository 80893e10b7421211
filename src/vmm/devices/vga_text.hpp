// VGA registers as a BIOS and Linux's early console use them in 80x25 colour text mode (mode 3), and a
// renderer of the text screen. The text buffer itself is ordinary guest RAM at 0xb8000 (the memory
// map select of mode 3); the monitor hands its contents to render() to show the VM on the real screen.
//
// References: IBM VGA Technical Reference (and FreeVGA's register pages): External registers (misc
// output 0x3c2/0x3cc, input status 0 at 0x3c2 and 1 at 0x3da/0x3ba, feature control), Sequencer
// 0x3c4/0x3c5, Graphics Controller 0x3ce/0x3cf, Attribute Controller 0x3c0/0x3c1 (index/data
// flip-flop reset by reading input status 1), DAC 0x3c6-0x3c9, CRT Controller 0x3d4/0x3d5 (0x3b4/0x3b5
// when misc output bit 0 selects mono addressing): 0x0a/0x0b cursor start/end, 0x0c/0x0d start
// address, 0x0e/0x0f cursor location, 0x11 bit 7 write protect of 0-7, 0x13 offset.
#pragma once

#include <array>
#include <span>

#include "base/types.hpp"
#include "vmm/devices/device_host.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

struct TextScreen {
    static constexpr unsigned columns = 80;
    static constexpr unsigned rows = 25;
    struct Cell {
        u8 character = ' ';
        u8 attribute = 0x07;
    };
    std::array<Cell, columns * rows> cells{};
    u8 cursor_row = 0;
    u8 cursor_column = 0;
    bool cursor_visible = false;
    u8 cursor_start_line = 0; // scan lines of the cursor block within the character cell
    u8 cursor_end_line = 0;
};

class VgaText final : public PortDevice {
  public:
    static constexpr u16 first_port = 0x3b4; // the device claims 0x3b4-0x3df
    static constexpr u16 port_count = 0x3e0 - 0x3b4;
    static constexpr u64 text_window = 0xb8000;
    static constexpr usize text_window_size = 0x8000;

    explicit VgaText(Clock& clock);

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

    // `memory` is the guest's RAM from 0xb8000 (up to 32 KiB); cells beyond it render as blanks.
    void render(std::span<const u8> memory, TextScreen& screen) const;

    u16 start_address() const { return u16(crtc_[0x0c] << 8 | crtc_[0x0d]); }
    u16 cursor_location() const { return u16(crtc_[0x0e] << 8 | crtc_[0x0f]); }
    u8 crtc(u8 index) const { return crtc_[index % crtc_.size()]; }

  private:
    bool color_addressing() const { return misc_output_ & 0x01; }
    u8 input_status_1();

    Clock& clock_;
    u8 misc_output_ = 0x67;
    u8 feature_control_ = 0;
    u8 sequencer_index_ = 0;
    std::array<u8, 5> sequencer_{};
    u8 graphics_index_ = 0;
    std::array<u8, 9> graphics_{};
    u8 attribute_index_ = 0x20; // bit 5: palette address source (screen on)
    bool attribute_expects_data_ = false;
    std::array<u8, 21> attribute_{};
    u8 crtc_index_ = 0;
    std::array<u8, 25> crtc_{};
    u8 dac_mask_ = 0xff;
    u8 dac_read_index_ = 0;
    u8 dac_write_index_ = 0;
    u8 dac_component_ = 0;
    bool dac_reading_ = false;
    std::array<u8, 256 * 3> dac_{};
};

} // namespace realvm::devices
