// INT 10h in the text modes (IBM PC AT Technical Reference "Video I/O"; RBIL INT 10h; where BIOSes
// differ, SeaBIOS's VGA BIOS, which QEMU runs, is followed: teletype and scrolling work on the active
// page). The screen is the guest's text buffer; the cursor is in the BDA and the CRTC (VGA reference,
// registers 0Ah-0Fh through the index/data ports at 40:63).
#include "vmm/bios/bios.hpp"

namespace realvm::bios {

using vcpu::Gpr;
using vcpu::Seg;

namespace {

// The current text mode as the BDA describes it.
class Screen {
  public:
    explicit Screen(ServiceCall& call)
        : call_(call), mode_(call.read8(bda_base + bda::video_mode)),
          cols_(call.read16(bda_base + bda::video_columns)),
          rows_(u16(call.read8(bda_base + bda::video_rows) + 1)),
          page_size_(call.read16(bda_base + bda::video_page_size)) {
        if (cols_ == 0 || cols_ > 132) cols_ = 80;
        if (rows_ < 2 || rows_ > 60) rows_ = 25;
    }

    u16 cols() const { return cols_; }
    u16 rows() const { return rows_; }
    u8 active_page() { return call_.read8(bda_base + bda::active_page) & 7; }
    u64 cell(u8 page, unsigned row, unsigned col) const {
        const u64 base = mode_ == 7 ? mono_text_buffer : color_text_buffer;
        return base + u64(page & 7) * page_size_ + (u64(row) * cols_ + col) * 2;
    }
    u16 read(u8 page, unsigned row, unsigned col) { return call_.read16(cell(page, row, col)); }
    void write(u8 page, unsigned row, unsigned col, u16 v) { call_.write16(cell(page, row, col), v); }
    void write_char(u8 page, unsigned row, unsigned col, u8 ch) { call_.write8(cell(page, row, col), ch); }

    void cursor(u8 page, unsigned& row, unsigned& col) {
        const u16 pos = call_.read16(bda_base + bda::cursor_positions + 2 * (page & 7));
        row = pos >> 8;
        col = pos & 0xff;
    }

    // Moves `lines` lines of the window up (or down), blanking with `attr`; 0 lines clears it.
    void scroll(u8 page, unsigned lines, u8 attr, unsigned r0, unsigned c0, unsigned r1, unsigned c1,
                bool up) {
        if (r1 >= rows_) r1 = rows_ - 1u;
        if (c1 >= cols_) c1 = cols_ - 1u;
        if (r0 > r1 || c0 > c1) return;
        const unsigned height = r1 - r0 + 1;
        if (lines == 0 || lines > height) lines = height;
        const u16 blank = u16(attr << 8 | ' ');
        for (unsigned i = 0; i < height; ++i) {
            const unsigned row = up ? r0 + i : r1 - i;
            const bool from_window = i + lines < height;
            const unsigned src = up ? row + lines : row - lines;
            for (unsigned col = c0; col <= c1; ++col)
                write(page, row, col, from_window ? read(page, src, col) : blank);
        }
    }

  private:
    ServiceCall& call_;
    u8 mode_;
    u16 cols_, rows_, page_size_;
};

struct ModeInfo {
    u8 mode;
    u16 cols;
    u16 page_size;
    u8 mode_control; // 3x8h value (CGA mode control register, BDA 40:65)
};

constexpr ModeInfo text_modes[] = {
    {0x00, 40, 0x800, 0x2c},  {0x01, 40, 0x800, 0x28},  {0x02, 80, 0x1000, 0x2d},
    {0x03, 80, 0x1000, 0x29}, {0x07, 80, 0x1000, 0x29},
};

} // namespace

namespace {
void crtc_write(ServiceCall& call, PortIo& ports, u8 index, u8 value) {
    const u16 base = call.read16(bda_base + bda::crtc_base);
    ports.out(Port(base), 1, index);
    ports.out(Port(u16(base + 1)), 1, value);
}

// The hardware cursor follows the active page's cursor (CRTC 0Eh/0Fh: character offset in the buffer).
void update_hardware_cursor(ServiceCall& call, PortIo& ports) {
    Screen screen(call);
    const u8 page = screen.active_page();
    unsigned row, col;
    screen.cursor(page, row, col);
    const u16 start = u16(call.read16(bda_base + bda::video_page_start) / 2);
    const u16 pos = u16(start + row * screen.cols() + col);
    crtc_write(call, ports, 0x0e, u8(pos >> 8));
    crtc_write(call, ports, 0x0f, u8(pos));
}

void set_cursor(ServiceCall& call, PortIo& ports, u8 page, unsigned row, unsigned col) {
    call.write16(bda_base + bda::cursor_positions + 2 * (page & 7), u16(row << 8 | col));
    if ((page & 7) == (call.read8(bda_base + bda::active_page) & 7)) update_hardware_cursor(call, ports);
}

// One character with the teletype rules (SeaBIOS vgabios write_teletype): BEL ignored, BS, CR, LF, TAB to
// the next multiple of 8; others written (with `attr` if use_attr, else keeping the cell's attribute).
void tty_put(ServiceCall& call, PortIo& ports, u8 page, u8 ch, u8 attr, bool use_attr) {
    Screen screen(call);
    unsigned row, col;
    screen.cursor(page, row, col);
    auto put = [&](u8 c) {
        if (use_attr)
            screen.write(page, row, col, u16(attr << 8 | c));
        else
            screen.write_char(page, row, col, c);
        ++col;
    };
    switch (ch) {
    case 0x07: break;
    case 0x08:
        if (col > 0) --col;
        break;
    case '\r': col = 0; break;
    case '\n': ++row; break;
    case '\t':
        do
            put(' ');
        while (col < screen.cols() && col % 8);
        break;
    default: put(ch); break;
    }
    if (col >= screen.cols()) {
        col = 0;
        ++row;
    }
    if (row >= screen.rows()) {
        row = screen.rows() - 1u;
        // The new line takes the attribute of the cell the cursor is on (IBM BIOS WRITE_TTY).
        const u8 blank_attr = u8(screen.read(page, row, col) >> 8);
        screen.scroll(page, 1, blank_attr, 0, 0, screen.rows() - 1u, screen.cols() - 1u, true);
    }
    set_cursor(call, ports, page, row, col);
}
} // namespace

void Bios::teletype(ServiceCall& call, u8 ch, bool mirror) {
    Screen screen(call);
    tty_put(call, ports_, screen.active_page(), ch, 0, false);
    if (mirror) console_.teletype(char(ch));
}

void Bios::set_video_mode(ServiceCall& call, u8 mode) {
    const bool clear = !(mode & 0x80);
    mode &= 0x7f;
    const ModeInfo* info = nullptr;
    for (const auto& m : text_modes)
        if (m.mode == mode) info = &m;
    if (!info) { // graphics modes are not emulated
        unimplemented(call, 0x10);
        return;
    }
    const u64 b = bda_base;
    call.write8(b + bda::video_mode, mode);
    call.write16(b + bda::video_columns, info->cols);
    call.write16(b + bda::video_page_size, info->page_size);
    call.write16(b + bda::video_page_start, 0);
    for (unsigned p = 0; p < 8; ++p)
        call.write16(b + bda::cursor_positions + 2 * p, 0);
    // The cursor type in CGA terms (lines 6-7), as INT 10h AH=03h reports it; the CRTC gets it scaled
    // to the 16-line cell below.
    call.write8(b + bda::cursor_end_line, 0x07);
    call.write8(b + bda::cursor_start_line, 0x06);
    call.write8(b + bda::active_page, 0);
    call.write16(b + bda::crtc_base, mode == 7 ? 0x3b4 : 0x3d4);
    call.write8(b + bda::video_mode_control, info->mode_control);
    call.write8(b + bda::video_palette, 0x30);
    call.write8(b + bda::video_rows, 24);
    call.write8(b + bda::char_height, 16);
    call.write8(b + bda::video_ega_misc, u8(0x60 | (clear ? 0 : 0x80)));
    call.write8(b + bda::video_switches, 0xf9);
    call.write8(b + bda::video_vga_flags, 0x51);
    call.write8(b + bda::video_dcc_index, 0x08);
    if (clear) {
        const u64 base = mode == 7 ? mono_text_buffer : color_text_buffer;
        u8 blank[256];
        for (usize i = 0; i < sizeof blank; i += 2)
            blank[i] = ' ', blank[i + 1] = 0x07;
        for (u64 off = 0; off < 0x8000; off += sizeof blank)
            call.memory().write(GuestPhys(base + off), blank, sizeof blank);
    }
    crtc_write(call, ports_, 0x0a, 0x0d); // cursor start/end scan lines (16-line cell)
    crtc_write(call, ports_, 0x0b, 0x0e);
    crtc_write(call, ports_, 0x0c, 0);
    crtc_write(call, ports_, 0x0d, 0);
    update_hardware_cursor(call, ports_);
}

void Bios::int10_video(ServiceCall& call) {
    Screen screen(call);
    const u64 b = bda_base;
    switch (call.ah()) {
    case 0x00: {
        const u8 mode = call.al() & 0x7f;
        set_video_mode(call, call.al());
        call.set_al(mode > 7 ? 0x20 : mode == 6 ? 0x3f : 0x30);
        break;
    }
    case 0x01: // cursor shape: CH start line (bit 5: hidden), CL end line
        call.write8(b + bda::cursor_start_line, call.ch());
        call.write8(b + bda::cursor_end_line, call.cl());
        crtc_write(call, ports_, 0x0a, call.ch() & 0x3f);
        crtc_write(call, ports_, 0x0b, call.cl() & 0x1f);
        break;
    case 0x02: set_cursor(call, ports_, call.bh(), call.dh(), call.dl()); break;
    case 0x03: {
        unsigned row, col;
        screen.cursor(call.bh(), row, col);
        call.set_dx(u16(row << 8 | col));
        call.set_cx(u16(call.read8(b + bda::cursor_start_line) << 8 | call.read8(b + bda::cursor_end_line)));
        break;
    }
    case 0x05: { // select the active page
        const u8 page = call.al() & 7;
        const u16 start = u16(page * call.read16(b + bda::video_page_size));
        call.write8(b + bda::active_page, page);
        call.write16(b + bda::video_page_start, start);
        crtc_write(call, ports_, 0x0c, u8(start / 2 >> 8));
        crtc_write(call, ports_, 0x0d, u8(start / 2));
        update_hardware_cursor(call, ports_);
        break;
    }
    case 0x06:
    case 0x07:
        screen.scroll(screen.active_page(), call.al(), call.bh(), call.ch(), call.cl(), call.dh(), call.dl(),
                      call.ah() == 0x06);
        break;
    case 0x08: {
        unsigned row, col;
        screen.cursor(call.bh(), row, col);
        call.set_ax(screen.read(call.bh(), row, col));
        break;
    }
    case 0x09:
    case 0x0a: { // write CX copies at the cursor without moving it, within the page
        unsigned row, col;
        const u8 page = call.bh();
        screen.cursor(page, row, col);
        for (u16 n = call.cx(); n > 0 && row < screen.rows(); --n) {
            if (call.ah() == 0x09)
                screen.write(page, row, col, u16(call.bl() << 8 | call.al()));
            else
                screen.write_char(page, row, col, call.al());
            if (++col >= screen.cols()) col = 0, ++row;
        }
        break;
    }
    case 0x0e: teletype(call, call.al(), true); break;
    case 0x0f:
        call.set_al(call.read8(b + bda::video_mode) | (call.read8(b + bda::video_ega_misc) & 0x80));
        call.set_ah(u8(call.read16(b + bda::video_columns)));
        call.set_high(Gpr::rbx, call.read8(b + bda::active_page));
        break;
    case 0x0b: // CGA palette / border, 10h EGA/VGA palette: the text screen has no palette to set
    case 0x10: break;
    case 0x11: // character generator: only the text fonts the VGA BIOS has in ROM, loaded as a no-op
        switch (call.al()) {
        case 0x01: // load ROM 8x14 / 8x8 / 8x16 font (and the "set block" variants): 25 lines stay
        case 0x02:
        case 0x04:
        case 0x11:
        case 0x12:
        case 0x14:
        case 0x03: break;
        case 0x30: // font information: CX bytes per character, DL rows - 1; no font tables (ES:BP = 0)
            call.set_cx(call.read8(b + bda::char_height));
            call.set_low(Gpr::rdx, call.read8(b + bda::video_rows));
            call.cpu().segment(Seg::es) = vcpu::SegmentRegister{0, 0, 0xffff, vcpu::seg_attr::real_mode_data};
            call.set_r16(Gpr::rbp, 0);
            break;
        default: unimplemented(call, 0x10); break;
        }
        break;
    case 0x12:
        if (call.bl() == 0x10) { // EGA/VGA information: colour, 256 KiB, feature bits, switches
            call.set_bx(0x0003);
            call.set_cx(call.read8(b + bda::video_switches) & 0x0f);
        } else {
            unimplemented(call, 0x10);
        }
        break;
    case 0x13: { // write string ES:BP, CX characters, at DH,DL of page BH; AL bit 0 moves the cursor
        const u8 page = call.bh();
        unsigned row0, col0;
        screen.cursor(page, row0, col0);
        set_cursor(call, ports_, page, call.dh(), call.dl());
        const bool with_attrs = call.al() & 0x02;
        u64 p = call.linear(Seg::es, call.bp());
        for (u16 n = call.cx(); n > 0; --n) {
            const u8 ch = call.read8(p++);
            const u8 attr = with_attrs ? call.read8(p++) : call.bl();
            const bool command = ch == 0x07 || ch == 0x08 || ch == '\r' || ch == '\n';
            tty_put(call, ports_, page, ch, attr, !command);
            console_.teletype(char(ch));
        }
        if (!(call.al() & 0x01)) set_cursor(call, ports_, page, row0, col0);
        break;
    }
    case 0x1a:
        if (call.al() <= 0x01) { // display combination: VGA with analog colour display
            if (call.al() == 0x00) call.set_bx(0x0008);
            call.set_al(0x1a);
        }
        break;
    default: unimplemented(call, 0x10); break; // INT 10h has no error return: registers unchanged
    }
}

} // namespace realvm::bios
