#include "vmm/devices/vga_text.hpp"

namespace realvm::devices {

namespace {
// Mode 3 register values (IBM VGA BIOS parameter table, 80x25 16-colour text, 720x400 at 70 Hz).
constexpr std::array<u8, 5> mode3_sequencer = {0x03, 0x00, 0x03, 0x00, 0x02};
constexpr std::array<u8, 9> mode3_graphics = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff};
constexpr std::array<u8, 21> mode3_attribute = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                                0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
                                                0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00};
constexpr std::array<u8, 25> mode3_crtc = {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00,
                                           0x4f, 0x0d, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e,
                                           0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff};
// 720x400 at 70 Hz: 449 lines of 31.778 us; 400 displayed; vertical retrace on lines 412-413;
// the last fifth of each line is horizontal blanking (900 dot clocks, 720 displayed).
constexpr u64 line_ns = 31778;
constexpr u64 lines_per_frame = 449;
constexpr u64 displayed_lines = 400;
constexpr u64 retrace_first_line = 412;
constexpr u64 retrace_lines = 2;
} // namespace

VgaText::VgaText(Clock& clock)
    : clock_(clock), sequencer_(mode3_sequencer), graphics_(mode3_graphics), attribute_(mode3_attribute),
      crtc_(mode3_crtc) {}

u8 VgaText::input_status_1() {
    // Bit 3: vertical retrace; bit 0: display disabled (horizontal or vertical blanking). Reading
    // also resets the attribute controller's flip-flop to "index".
    attribute_expects_data_ = false;
    const u64 now = clock_.now_ns();
    const u64 line = now / line_ns % lines_per_frame;
    const bool retrace = line >= retrace_first_line && line < retrace_first_line + retrace_lines;
    const bool blank = line >= displayed_lines || now % line_ns >= line_ns * 4 / 5;
    return u8((retrace ? 0x08 : 0) | (blank ? 0x01 : 0));
}

u32 VgaText::port_read(u16 port, u8) {
    // The CRTC and input status 1 answer only at the addresses misc output bit 0 selects.
    const u16 crtc_base = color_addressing() ? 0x3d4 : 0x3b4;
    const u16 status_port = color_addressing() ? 0x3da : 0x3ba;
    if (port == crtc_base) return crtc_index_;
    if (port == crtc_base + 1) return crtc_index_ < crtc_.size() ? crtc_[crtc_index_] : 0xff;
    if (port == status_port) return input_status_1();
    switch (port) {
    case 0x3c0: return attribute_index_;
    case 0x3c1:
        return (attribute_index_ & 0x1f) < attribute_.size() ? attribute_[attribute_index_ & 0x1f] : 0;
    case 0x3c2: return 0x00; // input status 0: no retrace interrupt, switch sense 0
    case 0x3c4: return sequencer_index_;
    case 0x3c5: return sequencer_index_ < sequencer_.size() ? sequencer_[sequencer_index_] : 0xff;
    case 0x3c6: return dac_mask_;
    case 0x3c7: return dac_reading_ ? 0x03 : 0x00; // DAC state
    case 0x3c8: return dac_write_index_;
    case 0x3c9: {
        const u8 value = dac_[dac_read_index_ * 3 + dac_component_];
        if (++dac_component_ == 3) {
            dac_component_ = 0;
            ++dac_read_index_;
        }
        return value;
    }
    case 0x3ca: return feature_control_;
    case 0x3cc: return misc_output_;
    case 0x3ce: return graphics_index_;
    case 0x3cf: return graphics_index_ < graphics_.size() ? graphics_[graphics_index_] : 0xff;
    default: return 0xff;
    }
}

// Claimed 8 bits wide: a 16-bit OUT to an index port arrives as index, then data (outw idiom).
void VgaText::port_write(u16 port, u8, u32 value) {
    const u8 byte = u8(value);
    const u16 crtc_base = color_addressing() ? 0x3d4 : 0x3b4;
    const u16 status_port = color_addressing() ? 0x3da : 0x3ba;
    if (port == crtc_base) {
        crtc_index_ = byte;
        return;
    }
    if (port == crtc_base + 1) {
        if (crtc_index_ >= crtc_.size()) return;
        // CRTC 0x11 bit 7 protects registers 0-7, except the line compare bit (bit 4) of register 7.
        if ((crtc_[0x11] & 0x80) && crtc_index_ <= 7) {
            if (crtc_index_ == 7) crtc_[7] = u8((crtc_[7] & ~0x10) | (byte & 0x10));
            return;
        }
        crtc_[crtc_index_] = byte;
        return;
    }
    if (port == status_port) {
        feature_control_ = byte;
        return;
    }
    switch (port) {
    case 0x3c0:
        if (!attribute_expects_data_) {
            attribute_index_ = byte & 0x3f;
        } else if ((attribute_index_ & 0x1f) < attribute_.size()) {
            attribute_[attribute_index_ & 0x1f] = byte;
        }
        attribute_expects_data_ = !attribute_expects_data_;
        break;
    case 0x3c2: misc_output_ = byte; break;
    case 0x3c4: sequencer_index_ = byte & 0x07; break;
    case 0x3c5:
        if (sequencer_index_ < sequencer_.size()) sequencer_[sequencer_index_] = byte;
        break;
    case 0x3c6: dac_mask_ = byte; break;
    case 0x3c7:
        dac_read_index_ = byte;
        dac_component_ = 0;
        dac_reading_ = true;
        break;
    case 0x3c8:
        dac_write_index_ = byte;
        dac_component_ = 0;
        dac_reading_ = false;
        break;
    case 0x3c9:
        dac_[dac_write_index_ * 3 + dac_component_] = byte & 0x3f; // 6-bit DAC
        if (++dac_component_ == 3) {
            dac_component_ = 0;
            ++dac_write_index_;
        }
        break;
    case 0x3ce: graphics_index_ = byte & 0x0f; break;
    case 0x3cf:
        if (graphics_index_ < graphics_.size()) graphics_[graphics_index_] = byte;
        break;
    default: break;
    }
}

void VgaText::render(std::span<const u8> memory, TextScreen& screen) const {
    // Text mode addresses memory in character cells (2 bytes); the offset register counts words per
    // row divided by 2, and the start address wraps within the 32 KiB window.
    const unsigned pitch = crtc_[0x13] ? crtc_[0x13] * 2u : TextScreen::columns;
    const unsigned cells_in_window = text_window_size / 2;
    const unsigned start = start_address();
    for (unsigned row = 0; row < TextScreen::rows; ++row) {
        for (unsigned column = 0; column < TextScreen::columns; ++column) {
            const usize offset = usize((start + row * pitch + column) % cells_in_window) * 2;
            TextScreen::Cell& cell = screen.cells[row * TextScreen::columns + column];
            if (offset + 1 < memory.size()) {
                cell.character = memory[offset];
                cell.attribute = memory[offset + 1];
            } else {
                cell = TextScreen::Cell{};
            }
        }
    }
    const unsigned position = (cursor_location() + cells_in_window - start) % cells_in_window;
    screen.cursor_row = u8(position / pitch);
    screen.cursor_column = u8(position % pitch);
    screen.cursor_start_line = crtc_[0x0a] & 0x1f;
    screen.cursor_end_line = crtc_[0x0b] & 0x1f;
    screen.cursor_visible = !(crtc_[0x0a] & 0x20) && position / pitch < TextScreen::rows &&
                            position % pitch < TextScreen::columns;
}

} // namespace realvm::devices
