#include "vmm/bios/rom_image.hpp"

#include "vmm/bios/layout.hpp"
#include "vmm/bios/rom_layout.hpp"

namespace realvm::bios {

namespace {

// Writes x86 code and data into the ROM at F000:offset. The encodings are spelled out next to each use
// (SDM vol. 2 opcode map); jumps are short and patched once their target is known.
class RomWriter {
  public:
    RomWriter(GuestMemoryAccess& memory, u16 offset) : memory_(memory), offset_(offset) {}

    template <typename... Bytes>
    RomWriter& emit(Bytes... bytes) {
        (put(u8(bytes)), ...);
        return *this;
    }
    RomWriter& word(u16 w) { return emit(w & 0xff, w >> 8); }
    RomWriter& trap() { return emit(0x0f, 0x0b); } // UD2
    RomWriter& iret() { return emit(0xcf); }
    RomWriter& text(const char* s) {
        while (*s)
            put(u8(*s++));
        return *this;
    }
    // Jcc/JMP rel8 whose displacement is patched by bind(): returns the displacement's offset.
    u16 jump(u8 opcode) {
        emit(opcode, 0);
        return u16(offset_ - 1);
    }
    void bind(u16 displacement_at) {
        const u8 rel = u8(offset_ - (displacement_at + 1));
        memory_.write(GuestPhys(bios_rom_base + displacement_at), &rel, 1);
    }
    // JMP rel8 backwards to `target`.
    void jump_to(u16 target) { emit(0xeb, u8(target - (offset_ + 2))); }
    u16 offset() const { return offset_; }

  private:
    void put(u8 b) {
        memory_.write(GuestPhys(bios_rom_base + offset_), &b, 1);
        ++offset_;
    }

    GuestMemoryAccess& memory_;
    u16 offset_;
};

// A service entry: UD2 (the monitor performs the service), IRET (returns with the FLAGS image it set).
void service_entry(GuestMemoryAccess& m, u16 at) { RomWriter(m, at).trap().iret(); }

// IRQ 0 (IBM PC AT BIOS TIMER_INT): count the tick, roll over at midnight (1800B0h ticks = 24 h at
// 1193182/65536 Hz) counting the rollovers at 40:70, call the user hook INT 1Ch, then EOI.
void timer_irq(GuestMemoryAccess& m) {
    RomWriter a(m, rom::int08_timer_irq);
    a.emit(0x1e, 0x50);                        // push ds; push ax
    a.emit(0x31, 0xc0, 0x8e, 0xd8);            // xor ax, ax; mov ds, ax
    a.emit(0x83, 0x06).word(0x46c).emit(0x01); // add word [046Ch], 1
    a.emit(0x83, 0x16).word(0x46e).emit(0x00); // adc word [046Eh], 0
    a.emit(0x83, 0x3e).word(0x46e).emit(0x18); // cmp word [046Eh], 18h
    const u16 below = a.jump(0x72);            // jb done
    const u16 above = a.jump(0x77);            // ja rollover
    a.emit(0x81, 0x3e).word(0x46c).word(0xb0); // cmp word [046Ch], 00B0h
    const u16 below2 = a.jump(0x72);           // jb done
    a.bind(above);                             // rollover:
    a.emit(0xc7, 0x06).word(0x46c).word(0);    // mov word [046Ch], 0
    a.emit(0xc7, 0x06).word(0x46e).word(0);    // mov word [046Eh], 0
    a.emit(0xfe, 0x06).word(0x470);            // inc byte [0470h]
    a.bind(below);                             // done:
    a.bind(below2);
    a.emit(0xcd, 0x1c);             // int 1Ch
    a.emit(0xb0, 0x20, 0xe6, 0x20); // mov al, 20h; out 20h, al (non-specific EOI)
    a.emit(0x58, 0x1f).iret();      // pop ax; pop ds; iret
}

// IRQ 1 (IBM PC AT BIOS KB_INT): read the scancode, offer it to INT 15h AH=4Fh (keyboard intercept:
// CF clear on return means "consumed"), translate it (trap), EOI.
void keyboard_irq(GuestMemoryAccess& m) {
    RomWriter a(m, rom::int09_keyboard_irq);
    a.emit(0x50);             // push ax
    a.emit(0xe4, 0x60);       // in al, 60h
    a.emit(0xb4, 0x4f, 0xf9); // mov ah, 4Fh; stc
    a.emit(0xcd, 0x15);       // int 15h
    a.emit(0x73, 0x02);       // jnc +2 (skip the trap)
    a.trap();                 // rom::int09_trap: the monitor translates AL
    a.emit(0xfa);             // cli
    a.emit(0xb0, 0x20, 0xe6, 0x20);
    a.emit(0x58).iret();
}

void install_tables(GuestMemoryAccess& m) {
    // INT 15h AH=C0h system configuration (RBIL INT 15/AH=C0h): length 8, model FCh (AT), submodel 1,
    // revision 0; feature 1: second PIC, RTC, INT 15h/4Fh called by INT 09h, EBDA allocated; feature 2:
    // INT 16h AH=09h supported.
    RomWriter(m, rom::config_table).word(8).emit(0xfc, 0x01, 0x00, 0x74, 0x40, 0x00, 0x00, 0x00);
    // 1.44 MB diskette parameters (IBM PC AT Technical Reference, DISK_BASE).
    RomWriter(m, rom::diskette_parameters)
        .emit(0xaf, 0x02, 0x25, 0x02, 0x12, 0x1b, 0xff, 0x6c, 0xf6, 0x0f, 0x08);
    RomWriter(m, rom::reset_vector).emit(0xea).word(rom::post).word(bios_segment); // jmp far F000:E05B
    RomWriter(m, rom::date).text("11/22/26");
    RomWriter(m, rom::model).emit(0xfc);
}

} // namespace

void install_rom(GuestMemoryAccess& memory) {
    u8 zeros[256] = {};
    for (u64 off = 0; off < bios_rom_size; off += sizeof zeros)
        memory.write(GuestPhys(bios_rom_base + off), zeros, sizeof zeros);

    constexpr u16 service_entries[] = {
        rom::post,         rom::int13_disk,    rom::int19_boot,   rom::int14_serial, rom::int16_keyboard,
        rom::int40_floppy, rom::int17_printer, rom::int10_video,  rom::int12_memory, rom::int11_equipment,
        rom::int15_system, rom::int1a_time,    rom::int18_no_boot};
    for (u16 entry : service_entries)
        service_entry(memory, entry);
    RomWriter(memory, rom::nmi).iret();
    RomWriter(memory, rom::dummy_iret).iret();
    RomWriter(memory, rom::int05_print_screen).iret();
    RomWriter(memory, rom::halt_loop).emit(0xfa, 0xf4, 0xeb, 0xfd); // cli; hlt; jmp $-1 (the hlt)
    {
        RomWriter a(memory, rom::int16_wait); // sti; hlt; jmp INT 16h entry: wait for IRQ 1 like a BIOS
        a.emit(0xfb, 0xf4, 0xe9).word(u16(rom::int16_keyboard - (rom::int16_wait + 5)));
    }
    RomWriter(memory, rom::master_irq).emit(0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58).iret();
    RomWriter(memory, rom::int0e_floppy_irq).emit(0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58).iret();
    RomWriter(memory, rom::slave_irq).emit(0x50, 0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20, 0x58).iret();
    // IRQ 8: read RTC register C (acknowledges the interrupt, MC146818A datasheet), EOI to both PICs.
    RomWriter(memory, rom::int70_rtc_irq)
        .emit(0x50, 0xb0, 0x0c, 0xe6, 0x70, 0xe4, 0x71, 0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20, 0x58)
        .iret();
    timer_irq(memory);
    keyboard_irq(memory);
    install_tables(memory);
}

void install_ivt(GuestMemoryAccess& memory) {
    u32 vectors[256];
    const auto far = [](u16 offset) { return (u32(bios_segment) << 16) | offset; };
    for (auto& v : vectors)
        v = far(rom::dummy_iret);
    vectors[0x02] = far(rom::nmi);
    vectors[0x05] = far(rom::int05_print_screen);
    vectors[0x08] = far(rom::int08_timer_irq);
    vectors[0x09] = far(rom::int09_keyboard_irq);
    for (unsigned v = 0x0a; v <= 0x0f; ++v)
        vectors[v] = far(rom::master_irq);
    vectors[0x0e] = far(rom::int0e_floppy_irq);
    vectors[0x10] = far(rom::int10_video);
    vectors[0x11] = far(rom::int11_equipment);
    vectors[0x12] = far(rom::int12_memory);
    vectors[0x13] = far(rom::int13_disk);
    vectors[0x14] = far(rom::int14_serial);
    vectors[0x15] = far(rom::int15_system);
    vectors[0x16] = far(rom::int16_keyboard);
    vectors[0x17] = far(rom::int17_printer);
    vectors[0x18] = far(rom::int18_no_boot);
    vectors[0x19] = far(rom::int19_boot);
    vectors[0x1a] = far(rom::int1a_time);
    vectors[0x1e] = far(rom::diskette_parameters);
    constexpr unsigned no_table[] = {0x1d, 0x1f, 0x41, 0x43, 0x46}; // video, font and disk tables
    for (unsigned v : no_table)
        vectors[v] = 0;
    vectors[0x40] = far(rom::int40_floppy);
    vectors[0x70] = far(rom::int70_rtc_irq);
    for (unsigned v = 0x71; v <= 0x77; ++v)
        vectors[v] = far(rom::slave_irq);
    u8 bytes[4];
    for (unsigned v = 0; v < 256; ++v) {
        for (unsigned i = 0; i < 4; ++i)
            bytes[i] = u8(vectors[v] >> (8 * i));
        memory.write(GuestPhys(ivt_base + 4 * v), bytes, 4);
    }
}

} // namespace realvm::bios
