// The BIOS of a RealVM virtual machine, implemented by the monitor (DESIGN §7).
//
// The guest sees a PC BIOS: an IVT pointing into a ROM at F000:0000, the BIOS data area, the EBDA, an
// E820 map, the boot sector loaded at 0000:7C00. Service entries in the ROM are `UD2; IRET`; when the
// interpreter reports #UD at one of them, the monitor calls handle_trap(), which performs the service on
// the vCPU state and guest memory and returns the flags in the INT frame's FLAGS image, exactly where a
// PC BIOS's IRET takes them from. The IRQ 0 and IRQ 1 handlers are real x86 code in the ROM (chaining to
// INT 1Ch and INT 15h AH=4Fh as the IBM BIOS does); only the scancode translation traps.
//
// Nearly all BIOS state lives in guest memory (the BDA), as on a PC: saving a VM's memory and vCPU saves
// its BIOS too. The object itself holds the configuration, the disk geometry and the log-once bits.
//
// Usage by the monitor, per VM:
//   Bios bios(config, ports, console, disk_or_nullptr);
//   bios.reset(cpu, memory);                    // power-on and boot (again on TrapAction::reboot)
//   on #UD from the interpreter:  r = bios.handle_trap(cpu, memory);
//     not_bios → deliver #UD to the guest; serviced → resume; sleep → resume after r.sleep_us (VM time);
//     reboot → reset the VM; halt → stop the VM (it cannot boot; the reason is on its console).
#pragma once

#include "base/types.hpp"
#include "vmm/bios/disk_geometry.hpp"
#include "vmm/bios/host_interfaces.hpp"
#include "vmm/bios/layout.hpp"
#include "vmm/bios/memory_map.hpp"
#include "vmm/bios/service_call.hpp"
#include "vmm/vcpu/cpu_state.hpp"

namespace realvm::bios {

// How the disk is presented: the first hard disk (drive 80h) or the first diskette drive (drive 00h,
// geometry from the image size: 360 KiB ... 2.88 MiB).
enum class DiskKind : u8 { hard_disk, floppy };

struct BiosConfig {
    u64 memory_bytes = 16 * MiB;
    u64 pci_hole_start = default_pci_hole_start;
    u8 serial_ports = 1; // COM1-COM4 at 3F8h, 2F8h, 3E8h, 2E8h
    DiskKind disk_kind = DiskKind::hard_disk;
};

enum class TrapAction : u8 {
    not_bios, // the #UD is not at a BIOS entry (or not in real mode): a real #UD for the guest
    serviced, // done; resume the vCPU (it may now execute HLT waiting for a key: the normal HLT path)
    sleep,    // done; INT 15h AH=86h asked to wait sleep_us microseconds: the VM may idle that long
    reboot,   // POST entry, Ctrl-Alt-Del: reset the machine and call reset() again
    halt,     // nothing to boot (INT 18h): stop the VM; the message is on its console
};

struct TrapResult {
    TrapAction action = TrapAction::not_bios;
    u32 sleep_us = 0;
};

enum class BootStatus : u8 {
    booted,           // CS:IP = 0000:7C00 with the boot sector loaded
    no_bootable_disk, // no disk, unreadable or no 55AAh signature: the vCPU is parked in a HLT loop
};

class Bios {
  public:
    Bios(const BiosConfig& config, PortIo& ports, BiosConsole& console, BlockDevice* disk);
    Bios(const Bios&) = delete;
    Bios& operator=(const Bios&) = delete;

    // Power-on self test as far as a VM needs it, then the boot: fills ROM, IVT, BDA, EBDA; programs
    // the PICs (vectors 08h and 70h), PIT channel 0 (18.2 Hz), the RTC, the 8042 and the VGA cursor
    // through the port interface; sets video mode 3; loads sector 0 at 0000:7C00 and sets the vCPU as a
    // PC BIOS hands over (real mode, CS:IP 0000:7C00, DL = 80h, SS:SP 0000:7C00, IF = 1).
    BootStatus reset(vcpu::CpuState& cpu, GuestMemoryAccess& memory);

    // Called for a #UD the interpreter reported (RIP at the UD2). See TrapAction.
    TrapResult handle_trap(vcpu::CpuState& cpu, GuestMemoryAccess& memory);
    // Whether CS:IP is one of the ROM's trap instructions (real mode only).
    static bool is_trap_address(const vcpu::CpuState& cpu);

    const MemoryMap& memory_map() const { return map_; }
    const DiskGeometry& geometry() const { return geometry_; }
    // The BIOS drive number of the disk (and DL at boot): 80h for a hard disk, 00h for a diskette.
    u8 boot_drive() const { return floppy() ? 0x00 : 0x80; }

  private:
    // Services (one file each: video_services.cpp, disk_services.cpp, ...).
    void int10_video(ServiceCall& call);
    void int13_disk(ServiceCall& call);
    void int14_serial(ServiceCall& call);
    TrapResult int15_system(ServiceCall& call);
    void int16_keyboard(ServiceCall& call);
    void int17_printer(ServiceCall& call);
    void int1a_time(ServiceCall& call);
    void pci_bios(ServiceCall& call);
    TrapResult keyboard_irq(ServiceCall& call);
    BootStatus boot(ServiceCall& call);

    // Helpers shared between services.
    void set_video_mode(ServiceCall& call, u8 mode);
    void teletype(ServiceCall& call, u8 ch, bool mirror);
    void print(ServiceCall& call, const char* text);
    void disk_transfer(ServiceCall& call, bool write, bool verify_only, u64 lba, u32 count, u64 buffer,
                       u32& done, u8& status);
    u8 cmos_read(u8 index);
    void cmos_write(u8 index, u8 value);
    bool a20_enabled(ServiceCall& call);
    void set_a20(bool enabled);
    void unimplemented(ServiceCall& call, u8 vector);
    bool floppy() const { return config_.disk_kind == DiskKind::floppy; }

    BiosConfig config_;
    PortIo& ports_;
    BiosConsole& console_;
    BlockDevice* disk_;
    MemoryMap map_;
    DiskGeometry geometry_;
    u8 floppy_type_ = 4; // CMOS drive type of the diskette (INT 13h AH=08h BL)
    // One bit per (vector slot, AH) already reported as unimplemented.
    static constexpr unsigned log_slots = 8;
    u64 logged_[log_slots][4] = {};
};

} // namespace realvm::bios
