// `debug=ata-selftest`: a write/read-back round trip on a scratch disk image (see ata.hpp).
#include <cstring>

#include "base/format.hpp"
#include "kernel/drivers/ata.hpp"
#include "kernel/heap.hpp"

namespace realvm::kernel::drivers {
namespace {

// A sector's test pattern names what wrote it, so that a host-side check of the image (the system
// test reads it back with dd) can tell the two paths apart.
void fill_pattern(u8* sector, std::string_view how, u64 lba) {
    char header[64];
    const std::string_view text = format_into(header, "RealVM ATA self-test {} lba {}\n", how, lba);
    for (usize i = 0; i < ata_sector_size; ++i)
        sector[i] = static_cast<u8>((lba * 7 + i * 13) ^ 0x5A);
    memcpy(sector, text.data(), text.size());
}

bool round_trip(Sink& out, AtaDisks& disks, const AtaDrive& drive, u64 lba, u32 count, bool lba48) {
    const usize bytes = count * ata_sector_size;
    u8* written = static_cast<u8*>(heap_allocate(bytes));
    u8* readback = static_cast<u8*>(heap_allocate(bytes));
    const std::string_view how = lba48 ? "LBA48" : "LBA28";
    format(out, "ata selftest: {} {} write+read {} sector(s) at lba {}: ", drive.name, how, count, lba);
    bool ok = written && readback;
    if (!ok) format(out, "no memory for the buffers\n");
    if (ok) {
        for (u32 i = 0; i < count; ++i)
            fill_pattern(written + i * ata_sector_size, how, lba + i);
        memset(readback, 0, bytes);
        AtaResult result = disks.write(drive, lba, count, written, lba48);
        if (result.ok()) result = disks.read(drive, lba, count, readback, lba48);
        if (!result.ok()) {
            result.describe(out);
            format(out, "\n");
            ok = false;
        } else if (memcmp(written, readback, bytes) != 0) {
            format(out, "data mismatch\n");
            ok = false;
        } else {
            format(out, "ok\n");
        }
    }
    if (written) heap_free(written);
    if (readback) heap_free(readback);
    return ok;
}

} // namespace

bool ata_selftest(Sink& out) {
    AtaDisks& disks = ata();
    static u8 sector[ata_sector_size];
    const AtaDrive* scratch = nullptr;
    for (const auto& d : disks.drives()) {
        if (d.kind != AtaDeviceKind::Ata || d.sectors < 8) continue;
        if (!disks.read(d, 0, 1, sector).ok()) continue;
        if (memcmp(sector, ata_scratch_magic.data(), ata_scratch_magic.size()) == 0) {
            scratch = &d;
            break;
        }
    }
    if (!scratch) {
        format(out, "ata selftest: no disk whose sector 0 starts with \"{}\"; nothing written\n",
               ata_scratch_magic);
        return false;
    }

    // 3 sectors in one command, then 300 sectors: two commands, as LBA28 moves at most 256 at a time.
    bool passed = round_trip(out, disks, *scratch, 1, 3, false);
    passed &= round_trip(out, disks, *scratch, 8, 300, false);
    if (scratch->lba48)
        passed &= round_trip(out, disks, *scratch, scratch->sectors - 1, 1, true);
    else
        format(out, "ata selftest: {} has no LBA48, skipping the 48-bit round trip\n", scratch->name);

    // The driver refuses ranges past the end; the device itself must report one as an error too.
    format(out, "ata selftest: {} read past the end (lba {}): ", scratch->name, scratch->sectors);
    const bool refused =
        disks.read(*scratch, scratch->sectors, 1, sector).code == AtaResult::Code::OutOfRange;
    const AtaResult device = disks.transfer(*scratch, scratch->sectors, 1, sector, false, scratch->lba48);
    device.describe(out);
    const bool reported = device.code == AtaResult::Code::DeviceError;
    format(out, "{}\n", refused && reported ? ", as expected" : ", expected a device error");
    passed &= refused && reported;

    format(out, "ata selftest: {}\n", passed ? "passed" : "FAILED");
    return passed;
}

} // namespace realvm::kernel::drivers
