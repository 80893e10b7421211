// What the BIOS needs from the VM that owns it. The monitor implements these per VM (on the VM's memory
// partition, its port I/O bus, its disk and its console); the unit tests implement them with fakes.
// They are the only way the BIOS reaches outside the guest's CPU state.
#pragma once

#include <string_view>

#include "base/types.hpp"

namespace realvm::bios {

// Guest-physical memory as the firmware sees it. Addresses are guest-physical with the A20 gate applied
// as the CPU's own accesses apply it (the BIOS computes real-mode linear = segment base + offset, which
// is physical in real mode). `write` must also accept the ROM window 0xF0000-0xFFFFF: the BIOS loads its
// own ROM image there at reset (like a chipset's shadow RAM opened for writing during POST).
// Both return false when part of the range is not backed (beyond the end of RAM, a hole).
class GuestMemoryAccess {
  public:
    virtual bool read(GuestPhys addr, void* dst, usize size) = 0;
    virtual bool write(GuestPhys addr, const void* src, usize size) = 0;

  protected:
    ~GuestMemoryAccess() = default;
};

// The VM's port I/O space (the same device models the guest's IN/OUT reach): the BIOS programs the PIC,
// PIT, CMOS/RTC, UART, 8042, port 0x92, the VGA CRTC and PCI configuration space through it, as a PC
// BIOS does. Sizes 1, 2 or 4; unconnected ports read as all ones.
class PortIo {
  public:
    virtual u32 in(Port port, unsigned size) = 0;
    virtual void out(Port port, unsigned size, u32 value) = 0;

  protected:
    ~PortIo() = default;
};

enum class DiskStatus : u8 { ok, out_of_range, io_error, write_protected };

// The VM's disk, in 512-byte sectors. Writes last for the life of the VM (DESIGN §7, issue 5).
class BlockDevice {
  public:
    static constexpr usize sector_size = 512;

    virtual u64 sector_count() const = 0;
    virtual DiskStatus read(u64 lba, u32 count, void* dst) = 0;
    virtual DiskStatus write(u64 lba, u32 count, const void* src) = 0;

  protected:
    ~BlockDevice() = default;
};

// The VM's console: INT 10h teletype output is mirrored here (the text screen itself is in guest memory
// at 0xB8000), and the BIOS's diagnostics (an unimplemented service, logged once) go to `log`.
class BiosConsole {
  public:
    virtual void teletype(char c) = 0;
    virtual void log(std::string_view line) = 0;

  protected:
    ~BiosConsole() = default;
};

} // namespace realvm::bios
