// Where the BIOS keeps things in the guest's first megabyte: the interrupt vector table, the BIOS data
// area (IBM PC/AT Technical Reference, "BIOS data area"; RBIL MEMORY.LST "40:xx"), the extended BIOS
// data area, the boot sector, the text buffer and the ROM.
#pragma once

#include "base/types.hpp"

namespace realvm::bios {

constexpr u64 ivt_base = 0x0;
constexpr u64 bda_base = 0x400;
constexpr u64 ebda_base = 0x9fc00; // 1 KiB below 640 KiB: base memory reported as 639 KiB
constexpr u64 ebda_size_kib = 1;
constexpr u64 conventional_end = 0xa0000;
constexpr u64 vga_window = 0xa0000; // 0xA0000-0xBFFFF: VGA memory (not RAM in the memory map)
constexpr u64 rom_area = 0xc0000;   // 0xC0000-0xFFFFF: option ROMs and the system BIOS
constexpr u64 bios_rom_base = 0xf0000;
constexpr u64 bios_rom_size = 0x10000;
constexpr u16 bios_segment = 0xf000;
constexpr u64 boot_sector_address = 0x7c00;
constexpr u16 boot_stack_pointer = 0x7c00; // SS = 0: the stack grows down below the boot sector
constexpr u64 color_text_buffer = 0xb8000;
constexpr u64 mono_text_buffer = 0xb0000;
constexpr u64 high_memory = 0x100000;
// Guest RAM above this address is moved above 4 GiB (the PCI hole; QEMU's i440FX layout, which the
// CMOS memory bytes of the device models follow too).
constexpr u64 default_pci_hole_start = 0xe0000000;

// Offsets in the BIOS data area (segment 0x40).
namespace bda {
constexpr u16 com_ports = 0x00;       // 4 words: COM1-COM4 base ports
constexpr u16 lpt_ports = 0x08;       // 3 words: LPT1-LPT3 base ports
constexpr u16 ebda_segment = 0x0e;    // word
constexpr u16 equipment = 0x10;       // word, INT 11h
constexpr u16 memory_size_kib = 0x13; // word, INT 12h
constexpr u16 kbd_flags1 = 0x17;      // shift/lock state
constexpr u16 kbd_flags2 = 0x18;      // keys held
constexpr u16 kbd_alt_keypad = 0x19;
constexpr u16 kbd_head = 0x1a; // word: offset from 0x400 of the next key to read
constexpr u16 kbd_tail = 0x1c; // word: offset of the next free slot
constexpr u16 kbd_buffer = 0x1e;
constexpr u16 kbd_buffer_end = 0x3e;
constexpr u16 floppy_last_status = 0x41;
constexpr u16 video_mode = 0x49;
constexpr u16 video_columns = 0x4a;   // word
constexpr u16 video_page_size = 0x4c; // word, bytes
constexpr u16 video_page_start = 0x4e;
constexpr u16 cursor_positions = 0x50; // 8 words: (row << 8) | column per page
constexpr u16 cursor_end_line = 0x60;
constexpr u16 cursor_start_line = 0x61;
constexpr u16 active_page = 0x62;
constexpr u16 crtc_base = 0x63; // word: 0x3D4 colour, 0x3B4 mono
constexpr u16 video_mode_control = 0x65;
constexpr u16 video_palette = 0x66;
constexpr u16 timer_ticks = 0x6c;    // dword, 18.2 Hz since midnight
constexpr u16 timer_rollover = 0x70; // nonzero: midnight passed since the last INT 1Ah AH=00h
constexpr u16 ctrl_break = 0x71;
constexpr u16 reset_flag = 0x72; // 0x1234: warm boot (Ctrl-Alt-Del)
constexpr u16 disk_last_status = 0x74;
constexpr u16 hard_disk_count = 0x75;
constexpr u16 lpt_timeouts = 0x78;
constexpr u16 com_timeouts = 0x7c;
constexpr u16 kbd_buffer_start_ptr = 0x80; // word: offset of the keyboard buffer's start
constexpr u16 kbd_buffer_end_ptr = 0x82;
constexpr u16 video_rows = 0x84; // rows - 1
constexpr u16 char_height = 0x85;
constexpr u16 video_ega_misc = 0x87;
constexpr u16 video_switches = 0x88;
constexpr u16 video_vga_flags = 0x89;
constexpr u16 video_dcc_index = 0x8a;
constexpr u16 kbd_flags3 = 0x96; // E0/E1 prefix seen, right ctrl/alt, 101-key keyboard
constexpr u16 kbd_led_flags = 0x97;
} // namespace bda

// Keyboard flag bits (RBIL MEMORY.LST 40:17, 40:18, 40:96).
namespace kbd {
constexpr u8 right_shift = 0x01, left_shift = 0x02, ctrl = 0x04, alt = 0x08;
constexpr u8 scroll_lock = 0x10, num_lock = 0x20, caps_lock = 0x40, insert = 0x80;
// flags2
constexpr u8 left_ctrl_down = 0x01, left_alt_down = 0x02, sysreq_down = 0x04, pause_active = 0x08;
constexpr u8 scroll_down = 0x10, num_down = 0x20, caps_down = 0x40, insert_down = 0x80;
// flags3
constexpr u8 last_e1 = 0x01, last_e0 = 0x02, right_ctrl_down = 0x04, right_alt_down = 0x08;
constexpr u8 enhanced_keyboard = 0x10;
} // namespace kbd

} // namespace realvm::bios
