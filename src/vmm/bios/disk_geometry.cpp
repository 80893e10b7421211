#include "vmm/bios/disk_geometry.hpp"

namespace realvm::bios {

namespace {
constexpr u32 max_cylinders = 1024;

DiskGeometry with_heads(u64 sector_count, u32 heads, u32 sectors) {
    u64 cylinders = sector_count / (u64(heads) * sectors);
    if (cylinders > max_cylinders) cylinders = max_cylinders;
    if (cylinders == 0) cylinders = 1;
    return DiskGeometry{u32(cylinders), heads, sectors};
}
} // namespace

DiskGeometry lba_assisted_geometry(u64 sector_count) {
    constexpr u32 spt = 63;
    // Doubling the heads until the cylinders fit in 1024 (16 heads: up to 504 MiB), 255 instead of 256.
    constexpr u32 head_steps[] = {16, 32, 64, 128};
    for (u32 heads : head_steps)
        if (sector_count <= u64(max_cylinders) * heads * spt) return with_heads(sector_count, heads, spt);
    return with_heads(sector_count, 255, spt);
}

DiskGeometry guess_geometry(u64 sector_count, const u8* mbr) {
    if (mbr && mbr[510] == 0x55 && mbr[511] == 0xaa) {
        for (unsigned i = 0; i < 4; ++i) {
            const u8* entry = mbr + 446 + 16 * i;
            const u32 length = u32(entry[12] | entry[13] << 8 | entry[14] << 16 | u32(entry[15]) << 24);
            if (entry[0] & 0x7f) return lba_assisted_geometry(sector_count); // not a partition table
            if (entry[4] == 0 || length == 0) continue;                      // empty slot
            const u32 heads = u32(entry[5]) + 1;                             // end head
            const u32 sectors = entry[6] & 0x3f;                             // end sector
            if (sectors == 0) continue;
            const u64 cylinders = sector_count / (u64(heads) * sectors);
            if (cylinders < 1 || cylinders > 16383) continue;
            return with_heads(sector_count, heads, sectors);
        }
    }
    return lba_assisted_geometry(sector_count);
}

DiskGeometry floppy_geometry(u64 sector_count, const u8* boot_sector, u8& cmos_type) {
    struct Format {
        u64 sectors;
        DiskGeometry geometry;
        u8 type;
    };
    constexpr Format formats[] = {
        {640, {40, 2, 8}, 1},   {720, {40, 2, 9}, 1},   {1440, {80, 2, 9}, 3},  {2400, {80, 2, 15}, 2},
        {2880, {80, 2, 18}, 4}, {3360, {80, 2, 21}, 4}, {5760, {80, 2, 36}, 5},
    };
    for (const auto& f : formats) {
        if (f.sectors == sector_count) {
            cmos_type = f.type;
            return f.geometry;
        }
    }
    cmos_type = 4;
    if (boot_sector && boot_sector[510] == 0x55 && boot_sector[511] == 0xaa) {
        const u32 spt = u32(boot_sector[0x18] | boot_sector[0x19] << 8);
        const u32 heads = u32(boot_sector[0x1a] | boot_sector[0x1b] << 8);
        if (spt >= 1 && spt <= 63 && heads >= 1 && heads <= 2 && sector_count >= spt * heads) {
            const u64 cylinders = sector_count / (spt * heads);
            return DiskGeometry{u32(cylinders > 255 ? 255 : cylinders), heads, spt};
        }
    }
    return DiskGeometry{80, 2, 18};
}

Chs chs_of(const DiskGeometry& g, u64 lba) {
    const u64 track = lba / g.sectors;
    return Chs{u32(track / g.heads), u32(track % g.heads), u32(lba % g.sectors) + 1};
}

} // namespace realvm::bios
