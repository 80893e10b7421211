// The CMOS bytes a PC BIOS reports about the machine (memory sizes, equipment, drives, CPUs), as IBM
// PC/AT BIOSes, SeaBIOS and QEMU lay them out. Guests and bootloaders read these through ports
// 0x70/0x71; the monitor's own BIOS services read them too.
#pragma once

#include "base/types.hpp"
#include "vmm/devices/rtc_cmos.hpp"

namespace realvm::devices {

struct BiosCmosConfig {
    u64 ram_bytes = 0;
    u8 cpus = 1;
    u8 floppy_a = 0; // 0x10 drive types: 0 none, 4 = 1.44 MB 3.5"
    u8 floppy_b = 0;
    bool hard_disk0 = false; // reported as user type 47 (0x12 = 0xf0, 0x19 = 47)
    bool hard_disk1 = false;
    u8 boot_first = 2; // SeaBIOS/QEMU 0x3d: 1 floppy, 2 hard disk, 3 CD-ROM
};

// Below 4 GiB the machine leaves a hole for PCI from here up (QEMU's i440FX layout with >3.5 GiB RAM).
constexpr u64 pci_hole_start = 0xe0000000;

namespace cmos {
constexpr u8 floppy_types = 0x10;
constexpr u8 hard_disk_types = 0x12;
constexpr u8 equipment = 0x14;
constexpr u8 base_memory_low = 0x15;     // KiB below 1 MiB (640)
constexpr u8 extended_memory_low = 0x17; // KiB above 1 MiB, at most 0xffff
constexpr u8 hard_disk0_extended_type = 0x19;
constexpr u8 hard_disk1_extended_type = 0x1a;
constexpr u8 checksum_high = 0x2e; // sum of 0x10-0x2d, big-endian
constexpr u8 extended_memory_copy_low = 0x30;
constexpr u8 memory_above_16m_low = 0x34; // 64 KiB units between 16 MiB and the PCI hole
constexpr u8 boot_order = 0x3d;
constexpr u8 memory_above_4g_low = 0x5b; // 64 KiB units above 4 GiB (3 bytes)
constexpr u8 cpu_count_minus_one = 0x5f;
} // namespace cmos

void write_bios_cmos(RtcCmos& rtc, const BiosCmosConfig& config);

} // namespace realvm::devices
