// The BIOS ROM at F000:0000-F000:FFFF. Entry points sit at the offsets of the IBM PC/AT BIOS (IBM PC AT
// Technical Reference, BIOS listing; RBIL MEMORY.LST "F000:xxxx"), which old software jumps to directly
// and other BIOSes keep for that reason. A service entry is `UD2; IRET`: the interpreter reports the #UD
// at that address to the monitor, which performs the service on the caller's registers and the FLAGS
// image of the INT frame and resumes at the IRET. Code the BIOS runs as ordinary x86 (the IRQ 0/1
// handlers, the keyboard wait loop) lives in the free area, so a guest that hooks INT 08h, 09h or 1Ch
// and chains to the ROM sees exactly what a PC BIOS does.
#pragma once

#include "base/types.hpp"

namespace realvm::bios::rom {

// Fixed IBM-compatible offsets.
constexpr u16 post = 0xe05b; // POST entry: the reset vector jumps here
constexpr u16 nmi = 0xe2c3;
constexpr u16 int13_disk = 0xe3fe;
constexpr u16 int19_boot = 0xe6f2;
constexpr u16 config_table = 0xe6f5; // INT 15h AH=C0h
constexpr u16 int14_serial = 0xe739;
constexpr u16 int16_keyboard = 0xe82e;
constexpr u16 int09_keyboard_irq = 0xe987;
// The UD2 inside the IRQ 1 handler (PUSH AX; IN AL,60h; MOV AH,4Fh; STC; INT 15h; JNC +2; UD2): the
// monitor translates the scancode in AL into the keyboard buffer.
constexpr u16 int09_trap = int09_keyboard_irq + 10;
constexpr u16 int40_floppy = 0xec59;
constexpr u16 int0e_floppy_irq = 0xef57;
constexpr u16 diskette_parameters = 0xefc7; // INT 1Eh vector
constexpr u16 int17_printer = 0xefd2;
constexpr u16 int10_video = 0xf065;
constexpr u16 int12_memory = 0xf841;
constexpr u16 int11_equipment = 0xf84d;
constexpr u16 int15_system = 0xf859;
constexpr u16 int1a_time = 0xfe6e;
constexpr u16 int08_timer_irq = 0xfea5;
constexpr u16 dummy_iret = 0xff53;
constexpr u16 int05_print_screen = 0xff54;
constexpr u16 reset_vector = 0xfff0;
constexpr u16 date = 0xfff5; // "MM/DD/YY"
constexpr u16 model = 0xfffe;

// The free area: entries without an IBM address and the code of the hardware interrupt handlers.
constexpr u16 int18_no_boot = 0x8000;
constexpr u16 halt_loop = 0x8004;     // CLI; HLT; JMP $-2: where a VM that cannot boot is left
constexpr u16 int16_wait = 0x8010;    // STI; HLT; JMP int16_keyboard: INT 16h waiting for a key
constexpr u16 master_irq = 0x8040;    // IRQ 2-7 default: EOI to the master PIC
constexpr u16 slave_irq = 0x8050;     // IRQ 9-15 default: EOI to both PICs
constexpr u16 int70_rtc_irq = 0x8060; // IRQ 8: acknowledge the RTC (read register C), EOI both

constexpr u16 trap_size = 2; // UD2 = 0F 0B

} // namespace realvm::bios::rom
