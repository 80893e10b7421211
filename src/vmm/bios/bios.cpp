#include "vmm/bios/bios.hpp"

#include "base/format.hpp"
#include "vmm/bios/rom_image.hpp"
#include "vmm/bios/rom_layout.hpp"

namespace realvm::bios {

using vcpu::Gpr;
using vcpu::Seg;

namespace {
constexpr u16 com_port_bases[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};

u8 bcd_to_binary(u8 v) { return u8((v >> 4) * 10 + (v & 0xf)); }

void write16(GuestMemoryAccess& m, u64 addr, u16 v) {
    const u8 b[2] = {u8(v), u8(v >> 8)};
    m.write(GuestPhys(addr), b, 2);
}
void write8(GuestMemoryAccess& m, u64 addr, u8 v) { m.write(GuestPhys(addr), &v, 1); }
} // namespace

Bios::Bios(const BiosConfig& config, PortIo& ports, BiosConsole& console, BlockDevice* disk)
    : config_(config), ports_(ports), console_(console), disk_(disk),
      map_(build_memory_map(config.memory_bytes, config.pci_hole_start)) {
    if (disk_) geometry_ = lba_assisted_geometry(disk_->sector_count());
    if (disk_ && floppy()) geometry_ = floppy_geometry(disk_->sector_count(), nullptr, floppy_type_);
}

bool Bios::is_trap_address(const vcpu::CpuState& cpu) {
    if (cpu.mode() != vcpu::CpuMode::real) return false;
    const u64 linear = cpu.segment(Seg::cs).base + (cpu.rip & 0xffff);
    if (linear < bios_rom_base || linear >= bios_rom_base + bios_rom_size) return false;
    switch (u16(linear - bios_rom_base)) {
    case rom::post:
    case rom::int10_video:
    case rom::int11_equipment:
    case rom::int12_memory:
    case rom::int13_disk:
    case rom::int40_floppy:
    case rom::int14_serial:
    case rom::int15_system:
    case rom::int16_keyboard:
    case rom::int17_printer:
    case rom::int18_no_boot:
    case rom::int19_boot:
    case rom::int1a_time:
    case rom::int09_trap: return true;
    default: return false;
    }
}

TrapResult Bios::handle_trap(vcpu::CpuState& cpu, GuestMemoryAccess& memory) {
    if (!is_trap_address(cpu)) return {};
    const u16 entry = u16(cpu.segment(Seg::cs).base + (cpu.rip & 0xffff) - bios_rom_base);
    ServiceCall call(cpu, memory);
    cpu.rip = (cpu.rip + rom::trap_size) & 0xffff; // to the IRET (or past the UD2 in the IRQ 1 handler)
    TrapResult result{TrapAction::serviced, 0};
    switch (entry) {
    case rom::post: result.action = TrapAction::reboot; break;
    case rom::int10_video: int10_video(call); break;
    case rom::int11_equipment: call.set_ax(call.read16(bda_base + bda::equipment)); break;
    case rom::int12_memory: call.set_ax(call.read16(bda_base + bda::memory_size_kib)); break;
    case rom::int13_disk: int13_disk(call); break;
    case rom::int40_floppy: call.status(0x01); break; // no diskette drives
    case rom::int14_serial: int14_serial(call); break;
    case rom::int15_system: result = int15_system(call); break;
    case rom::int16_keyboard: int16_keyboard(call); break;
    case rom::int17_printer: int17_printer(call); break;
    case rom::int1a_time: int1a_time(call); break;
    case rom::int09_trap: result = keyboard_irq(call); break;
    case rom::int18_no_boot:
        // The IBM PC started ROM BASIC here; later BIOSes report that nothing could be booted.
        print(call, "No bootable device.\r\n");
        cpu.segment(Seg::cs) =
            vcpu::SegmentRegister{bios_segment, bios_rom_base, 0xffff, vcpu::seg_attr::real_mode_code};
        cpu.rip = rom::halt_loop;
        result.action = TrapAction::halt;
        break;
    case rom::int19_boot:
        if (boot(call) != BootStatus::booted) result.action = TrapAction::halt;
        break;
    }
    return result;
}

void Bios::unimplemented(ServiceCall& call, u8 vector) {
    unsigned slot = 0;
    switch (vector) {
    case 0x10: slot = 0; break;
    case 0x13: slot = 1; break;
    case 0x14: slot = 2; break;
    case 0x15: slot = 3; break;
    case 0x16: slot = 4; break;
    case 0x17: slot = 5; break;
    case 0x1a: slot = 6; break;
    default: slot = 7; break;
    }
    const u8 ah = call.ah();
    u64& bits = logged_[slot][ah / 64];
    if (bits & (u64(1) << (ah % 64))) return;
    bits |= u64(1) << (ah % 64);
    char line[96];
    console_.log(format_into(line, "bios: INT {:02x}h AX={:04x} BX={:04x} not implemented", vector, call.ax(),
                             call.bx()));
}

// ---- CMOS and A20 through the VM's ports, as a PC BIOS reaches them ----

u8 Bios::cmos_read(u8 index) {
    ports_.out(Port(0x70), 1, index);
    return u8(ports_.in(Port(0x71), 1));
}

void Bios::cmos_write(u8 index, u8 value) {
    ports_.out(Port(0x70), 1, index);
    ports_.out(Port(0x71), 1, value);
}

// A20 is open when either the 8042's output port bit 1 or port 92h bit 1 says so (the chipset ORs them,
// PIIX3 datasheet A20M#). The BIOS therefore drives both, as BIOSes that support either method do, and
// asks memory whether 1 MiB wraps (as Linux's boot code does): reading the 8042's output port instead
// would put a byte in its output buffer and raise IRQ 1, which the ROM would take for a keystroke.
bool Bios::a20_enabled(ServiceCall& call) {
    constexpr u64 probe = bda_base + 0xfc; // 40:FC, a BDA word BIOSes leave unused; restored below
    u8 low[2], high[2];
    if (!call.read_bytes(probe, low, 2) || !call.read_bytes(probe + high_memory, high, 2))
        return ports_.in(Port(0x92), 1) & 0x02; // no RAM above 1 MiB: only the register can tell
    if (low[0] != high[0] || low[1] != high[1]) return true;
    const u8 flipped[2] = {u8(~low[0]), u8(~low[1])};
    call.memory().write(GuestPhys(probe), flipped, 2);
    call.read_bytes(probe + high_memory, high, 2);
    call.memory().write(GuestPhys(probe), low, 2);
    return high[0] != flipped[0] || high[1] != flipped[1];
}

void Bios::set_a20(bool enabled) {
    const u8 p92 = u8(ports_.in(Port(0x92), 1) & ~0x03u); // never pulse bit 0 (fast reset)
    ports_.out(Port(0x92), 1, enabled ? p92 | 0x02 : p92);
    for (unsigned i = 0; i < 64 && (ports_.in(Port(0x64), 1) & 0x02); ++i) {
    }
    ports_.out(Port(0x64), 1, 0xd1);                  // write output port:
    ports_.out(Port(0x60), 1, enabled ? 0xdf : 0xdd); // bit 0 (reset) stays 1, bit 1 = A20
}

// ---- Power-on ----

BootStatus Bios::reset(vcpu::CpuState& cpu, GuestMemoryAccess& memory) {
    install_rom(memory);
    install_ivt(memory);

    // BIOS data area and EBDA.
    u8 zeros[256] = {};
    memory.write(GuestPhys(bda_base), zeros, sizeof zeros);
    memory.write(GuestPhys(ebda_base), zeros, sizeof zeros);
    write8(memory, ebda_base, u8(ebda_size_kib));
    const unsigned com_count = config_.serial_ports > 4 ? 4 : config_.serial_ports;
    for (unsigned i = 0; i < com_count; ++i) {
        write16(memory, bda_base + bda::com_ports + 2 * i, com_port_bases[i]);
        write8(memory, bda_base + bda::com_timeouts + i, 1);
    }
    write16(memory, bda_base + bda::ebda_segment, u16(ebda_base >> 4));
    // Equipment (INT 11h): x87 present, initial video 80x25 colour, serial port count; no diskettes.
    // Equipment (INT 11h): diskette drives (bit 0, count - 1 in bits 6-7), x87, initial video 80x25
    // colour, serial port count.
    const bool diskette = disk_ && floppy();
    write16(memory, bda_base + bda::equipment,
            u16((diskette ? 0x0001 : 0) | 0x0002 | 0x0020 | (com_count << 9)));
    write16(memory, bda_base + bda::memory_size_kib, u16(ebda_base / KiB));
    write16(memory, bda_base + bda::kbd_head, bda::kbd_buffer);
    write16(memory, bda_base + bda::kbd_tail, bda::kbd_buffer);
    write16(memory, bda_base + bda::kbd_buffer_start_ptr, bda::kbd_buffer);
    write16(memory, bda_base + bda::kbd_buffer_end_ptr, bda::kbd_buffer_end);
    write8(memory, bda_base + bda::kbd_flags3, kbd::enhanced_keyboard);
    write8(memory, bda_base + bda::hard_disk_count, disk_ && !floppy() ? 1 : 0);

    // Interrupt controllers (8259A datasheet, ICW1-ICW4): master at vectors 08h, slave at 70h on IRQ 2;
    // IRQ 0 (timer), 1 (keyboard) and 2 (cascade) unmasked, as a BIOS leaves them.
    ports_.out(Port(0x20), 1, 0x11);
    ports_.out(Port(0x21), 1, 0x08);
    ports_.out(Port(0x21), 1, 0x04);
    ports_.out(Port(0x21), 1, 0x01);
    ports_.out(Port(0xa0), 1, 0x11);
    ports_.out(Port(0xa1), 1, 0x70);
    ports_.out(Port(0xa1), 1, 0x02);
    ports_.out(Port(0xa1), 1, 0x01);
    ports_.out(Port(0x21), 1, 0xf8);
    ports_.out(Port(0xa1), 1, 0xff);
    // PIT channel 0 (8254 datasheet): mode 3 square wave, LSB then MSB, count 0 = 65536: 18.2 Hz.
    ports_.out(Port(0x43), 1, 0x36);
    ports_.out(Port(0x40), 1, 0x00);
    ports_.out(Port(0x40), 1, 0x00);
    // RTC (MC146818A): 32.768 kHz time base, 1024 Hz periodic rate; BCD, 24-hour; clear pending flags.
    cmos_write(0x0a, 0x26);
    cmos_write(0x0b, 0x02);
    cmos_read(0x0c);
    cmos_read(0x0d);
    // 8042 command byte: keyboard interrupt on, system flag, mouse port off, set 2 → 1 translation.
    ports_.out(Port(0x64), 1, 0x60);
    ports_.out(Port(0x60), 1, 0x65);

    // The tick count starts at the RTC's time of day (ticks = seconds * 1193182 / 65536).
    const u64 seconds = u64(bcd_to_binary(cmos_read(0x04))) * 3600 + bcd_to_binary(cmos_read(0x02)) * 60 +
                        bcd_to_binary(cmos_read(0x00));
    const u32 ticks = u32(seconds * 1193182 / 65536);
    write16(memory, bda_base + bda::timer_ticks, u16(ticks));
    write16(memory, bda_base + bda::timer_ticks + 2, u16(ticks >> 16));

    cpu = vcpu::CpuState::real_mode(0, u16(boot_sector_address));
    cpu.rflags = vcpu::rflags::fixed1 | vcpu::rflags::if_;
    ServiceCall call(cpu, memory);
    set_video_mode(call, 0x03);
    return boot(call);
}

// INT 19h and power-on: sector 0 of the disk at 0000:7C00 (BIOS Boot Specification 1.01 §6.5.1).
BootStatus Bios::boot(ServiceCall& call) {
    auto& cpu = call.cpu();
    u8 sector[BlockDevice::sector_size];
    const bool loaded = disk_ && disk_->sector_count() > 0 && disk_->read(0, 1, sector) == DiskStatus::ok;
    if (loaded)
        geometry_ = floppy() ? floppy_geometry(disk_->sector_count(), sector, floppy_type_)
                             : guess_geometry(disk_->sector_count(), sector);
    if (!loaded || sector[510] != 0x55 || sector[511] != 0xaa) {
        print(call, !disk_ ? "No bootable device: the VM has no disk.\r\n"
                           : (loaded ? "No bootable device: sector 0 has no boot signature (55AAh).\r\n"
                                     : "No bootable device: the disk could not be read.\r\n"));
        cpu.segment(Seg::cs) =
            vcpu::SegmentRegister{bios_segment, bios_rom_base, 0xffff, vcpu::seg_attr::real_mode_code};
        cpu.rip = rom::halt_loop;
        return BootStatus::no_bootable_disk;
    }
    call.memory().write(GuestPhys(boot_sector_address), sector, sizeof sector);
    for (Seg s : vcpu::data_segments)
        cpu.segment(s) = vcpu::SegmentRegister{0, 0, 0xffff, vcpu::seg_attr::real_mode_data};
    cpu.segment(Seg::ss) = vcpu::SegmentRegister{0, 0, 0xffff, vcpu::seg_attr::real_mode_data};
    cpu.segment(Seg::cs) = vcpu::SegmentRegister{0, 0, 0xffff, vcpu::seg_attr::real_mode_code};
    cpu.rip = boot_sector_address;
    cpu.reg(Gpr::rsp) = boot_stack_pointer;
    cpu.reg(Gpr::rdx) = boot_drive();
    cpu.rflags = vcpu::rflags::fixed1 | vcpu::rflags::if_;
    return BootStatus::booted;
}

void Bios::print(ServiceCall& call, const char* text) {
    while (*text)
        teletype(call, u8(*text++), true);
}

} // namespace realvm::bios
