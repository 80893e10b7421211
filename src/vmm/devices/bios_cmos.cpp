#include "vmm/devices/bios_cmos.hpp"

namespace realvm::devices {

void write_bios_cmos(RtcCmos& rtc, const BiosCmosConfig& c) {
    const u64 below_4g = c.ram_bytes < pci_hole_start ? c.ram_bytes : pci_hole_start;
    const u64 above_4g = c.ram_bytes - below_4g;
    auto put16 = [&](u8 index, u64 value) {
        const u64 v = value > 0xffff ? 0xffff : value;
        rtc.set_nvram(index, u8(v));
        rtc.set_nvram(u8(index + 1), u8(v >> 8));
    };

    rtc.set_nvram(cmos::floppy_types, u8((c.floppy_a << 4) | (c.floppy_b & 0x0f)));
    rtc.set_nvram(cmos::hard_disk_types, u8((c.hard_disk0 ? 0xf0 : 0) | (c.hard_disk1 ? 0x0f : 0)));
    rtc.set_nvram(cmos::hard_disk0_extended_type, c.hard_disk0 ? 47 : 0);
    rtc.set_nvram(cmos::hard_disk1_extended_type, c.hard_disk1 ? 47 : 0);
    // Equipment byte: bit 0 floppy present, bit 1 math coprocessor, bits 5-4 = 00 (EGA/VGA),
    // bits 7-6 number of floppies - 1.
    const unsigned floppies = (c.floppy_a ? 1 : 0) + (c.floppy_b ? 1 : 0);
    rtc.set_nvram(cmos::equipment, u8((floppies ? 0x01 : 0) | 0x02 | (floppies ? (floppies - 1) << 6 : 0)));
    put16(cmos::base_memory_low, 640);
    const u64 extended_kib = below_4g > MiB ? (below_4g - MiB) / KiB : 0;
    put16(cmos::extended_memory_low, extended_kib);
    put16(cmos::extended_memory_copy_low, extended_kib);
    put16(cmos::memory_above_16m_low, below_4g > 16 * MiB ? (below_4g - 16 * MiB) / (64 * KiB) : 0);
    const u64 high = above_4g / (64 * KiB);
    rtc.set_nvram(cmos::memory_above_4g_low, u8(high));
    rtc.set_nvram(cmos::memory_above_4g_low + 1, u8(high >> 8));
    rtc.set_nvram(cmos::memory_above_4g_low + 2, u8(high >> 16));
    rtc.set_nvram(cmos::boot_order, c.boot_first);
    rtc.set_nvram(cmos::cpu_count_minus_one, u8(c.cpus ? c.cpus - 1 : 0));

    u16 sum = 0;
    for (u8 i = 0x10; i <= 0x2d; ++i)
        sum = u16(sum + rtc.nvram(i));
    rtc.set_nvram(cmos::checksum_high, u8(sum >> 8));
    rtc.set_nvram(cmos::checksum_high + 1, u8(sum));
}

} // namespace realvm::devices
