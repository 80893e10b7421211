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

Chs chs_of(const DiskGeometry& g, u64 lba) {
    const u64 track = lba / g.sectors;
    return Chs{u32(track / g.heads), u32(track % g.heads), u32(lba % g.sectors) + 1};
}

} // namespace realvm::bios
