// The logical CHS geometry INT 13h presents for a disk (the "LBA-assisted translation" of the Phoenix
// EDD 3.0 / IBM BIOS Boot Specification era): 63 sectors per track, 16 heads up to 504 MiB, then 32,
// 64, 128 and 255 heads, cylinders capped at 1024. A disk whose MBR partition table already states a
// geometry (the heads and sectors of its partition ends, as the partitioning tool chose them) keeps it,
// as QEMU's geometry guess and real BIOSes do, so the partition table's CHS fields stay valid.
#pragma once

#include "base/types.hpp"

namespace realvm::bios {

struct DiskGeometry {
    u32 cylinders = 0; // at most 1024
    u32 heads = 0;     // at most 255
    u32 sectors = 0;   // per track, at most 63

    u64 chs_sectors() const { return u64(cylinders) * heads * sectors; }
    // LBA of cylinder/head/sector (sector 1-based, IBM INT 13h AH=02h).
    u64 lba(u32 cylinder, u32 head, u32 sector) const {
        return (u64(cylinder) * heads + head) * sectors + sector - 1;
    }
};

struct Chs {
    u32 cylinder = 0, head = 0, sector = 0;
};

DiskGeometry lba_assisted_geometry(u64 sector_count);
// `mbr`: the disk's first 512 bytes. Falls back to lba_assisted_geometry when the table states nothing.
DiskGeometry guess_geometry(u64 sector_count, const u8* mbr);
Chs chs_of(const DiskGeometry& g, u64 lba);
// A diskette image: the standard formats by size (IBM PC AT Technical Reference, diskette drive types),
// else the BIOS parameter block of its boot sector (if given), else 1.44 MB. `cmos_type` is the drive
// type INT 13h AH=08h reports in BL (1 = 360 KB, 2 = 1.2 MB, 3 = 720 KB, 4 = 1.44 MB, 5 = 2.88 MB).
DiskGeometry floppy_geometry(u64 sector_count, const u8* boot_sector, u8& cmos_type);

} // namespace realvm::bios
