// INT 13h fixed disk services on the VM's disk (IBM PC AT Technical Reference "Fixed Disk BIOS"; RBIL INT
// 13h; Phoenix "BIOS Enhanced Disk Drive Specification" 3.0 for AH=41h-48h). Status codes are those of
// RBIL table 00234; where BIOSes differ, SeaBIOS (the BIOS the equivalence tests compare against) is
// followed: a request starting beyond the disk is "invalid parameter" (01h), one that runs past its end
// transfers what exists and reports "sector not found" (04h).
#include "vmm/bios/bios.hpp"

#include "vmm/bios/rom_layout.hpp"

namespace realvm::bios {

using vcpu::Seg;

namespace {
namespace status {
constexpr u8 ok = 0x00;
constexpr u8 invalid = 0x01;
constexpr u8 sector_not_found = 0x04;
constexpr u8 write_protected = 0x03;
constexpr u8 controller_failure = 0x20;
constexpr u8 not_removable = 0xb2;
} // namespace status

// Disk address packet (EDD 3.0 §3.1.1 "Device Address Packet").
namespace dap {
constexpr u16 size = 0, count = 2, buffer = 4, lba = 8, flat_buffer = 0x10;
}
} // namespace

void Bios::disk_transfer(ServiceCall& call, bool write, bool verify_only, u64 lba, u32 count, u64 buffer,
                         u32& done, u8& result) {
    done = 0;
    result = status::ok;
    const u64 total = disk_->sector_count();
    u8 sector[BlockDevice::sector_size];
    for (; done < count; ++done, buffer += sizeof sector) {
        if (lba + done >= total) {
            result = status::sector_not_found;
            return;
        }
        if (verify_only) continue;
        DiskStatus s;
        if (write) {
            call.read_bytes(buffer, sector, sizeof sector);
            s = disk_->write(lba + done, 1, sector);
        } else {
            s = disk_->read(lba + done, 1, sector);
            if (s == DiskStatus::ok) call.write_guest_buffer(buffer, sector, sizeof sector);
        }
        if (s != DiskStatus::ok) {
            result = s == DiskStatus::write_protected ? status::write_protected
                     : s == DiskStatus::out_of_range  ? status::sector_not_found
                                                      : status::controller_failure;
            return;
        }
    }
}

void Bios::int13_disk(ServiceCall& call) {
    // AH, CF and the last status: 40:41 for diskettes, 40:74 for hard disks.
    const u16 last_status = call.dl() < 0x80 ? bda::floppy_last_status : bda::disk_last_status;
    auto finish = [&](u8 ah) {
        call.status(ah);
        call.write8(bda_base + last_status, ah);
    };
    if (!disk_ || call.dl() != boot_drive()) { // no such drive
        finish(status::invalid);
        return;
    }
    if (floppy()) { // diskettes have the basic functions only (SeaBIOS floppy_13)
        switch (call.ah()) {
        case 0x00:
        case 0x01:
        case 0x02:
        case 0x03:
        case 0x04:
        case 0x05:
        case 0x08:
        case 0x15:
        case 0x16:
        case 0x17:
        case 0x18: break;
        default: finish(status::invalid); return;
        }
    }
    const DiskGeometry& g = geometry_;
    const u64 total = disk_->sector_count();
    switch (call.ah()) {
    case 0x00: finish(status::ok); break; // reset
    case 0x01: {                          // status of the last operation
        const u8 last = call.read8(bda_base + last_status);
        call.status(last);
        break;
    }
    case 0x02:
    case 0x03:
    case 0x04: { // CHS read/write/verify: AL sectors, CH/CL cylinder+sector, DH head, ES:BX buffer
        const u8 count = call.al();
        const u32 cylinder = call.ch() | (u32(call.cl() & 0xc0) << 2);
        const u32 sector = call.cl() & 0x3f;
        const u32 head = call.dh();
        if (count == 0 || count > 128 || sector == 0 || cylinder >= g.cylinders || head >= g.heads ||
            sector > g.sectors) {
            finish(status::invalid);
            break;
        }
        u32 done;
        u8 result;
        disk_transfer(call, call.ah() == 0x03, call.ah() == 0x04, g.lba(cylinder, head, sector), count,
                      call.linear(Seg::es, call.bx()), done, result);
        call.set_al(u8(done));
        finish(result);
        break;
    }
    case 0x08: { // parameters: a hard disk's last cylinder is reserved (IBM), so CH/CL = cylinders - 2
        const u32 max_cylinder = floppy() ? g.cylinders - 1 : g.cylinders >= 2 ? g.cylinders - 2 : 0;
        call.set_al(0);
        if (floppy()) { // BL drive type, ES:DI the diskette parameter table, DL = 1 drive
            call.set_bx(floppy_type_);
            call.cpu().segment(Seg::es) =
                vcpu::SegmentRegister{bios_segment, bios_rom_base, 0xffff, vcpu::seg_attr::real_mode_data};
            call.set_r16(vcpu::Gpr::rdi, rom::diskette_parameters);
            call.set_cx(u16((max_cylinder & 0xff) << 8 | (max_cylinder >> 2 & 0xc0) | (g.sectors & 0x3f)));
            call.set_dx(u16((g.heads - 1) << 8 | 1));
            finish(status::ok);
            break;
        }
        call.set_cx(u16((max_cylinder & 0xff) << 8 | (max_cylinder >> 2 & 0xc0) | (g.sectors & 0x3f)));
        call.set_high(vcpu::Gpr::rdx, u8(g.heads - 1));
        call.set_low(vcpu::Gpr::rdx, call.read8(bda_base + bda::hard_disk_count));
        finish(status::ok);
        break;
    }
    case 0x09: // initialize parameters, seek, alternate reset, ready, recalibrate, diagnostics:
    case 0x0c: // nothing to do on an emulated disk
    case 0x0d:
    case 0x10:
    case 0x11:
    case 0x14: finish(status::ok); break;
    case 0x05: finish(status::ok); break; // format a diskette track: the image keeps its sectors
    case 0x16: finish(floppy() ? 0x06 : status::invalid); break; // change line: "changed" (SeaBIOS)
    case 0x17:                                                   // set diskette type / media type for format
    case 0x18: finish(floppy() ? status::ok : status::invalid); break;
    case 0x15: { // type: 03h fixed disk, CX:DX sectors addressable by CHS (without the reserved cylinder)
        if (floppy()) { // diskette drive without change-line support
            finish(status::ok);
            call.set_ah(0x01);
            break;
        }
        const u32 sectors = (g.cylinders - 1) * g.heads * g.sectors;
        finish(status::ok);
        call.set_ah(0x03);
        call.set_cx(u16(sectors >> 16));
        call.set_dx(u16(sectors));
        break;
    }
    case 0x41: // EDD installation check: version 3.0; packet access, drive locking/ejecting, EDD
        if (call.bx() != 0x55aa) {
            finish(status::invalid);
            break;
        }
        finish(status::ok);
        call.set_bx(0xaa55);
        call.set_ah(0x30);
        call.set_cx(0x0007);
        break;
    case 0x42:
    case 0x43:
    case 0x44:
    case 0x47: { // extended read/write/verify/seek through the packet at DS:SI
        const u64 packet = call.linear(Seg::ds, call.si());
        const u8 size = call.read8(packet + dap::size);
        const u64 lba = call.read64(packet + dap::lba);
        if (size < 0x10 || lba >= total) {
            finish(status::invalid);
            break;
        }
        const u32 count = call.read16(packet + dap::count);
        const u32 far_buffer = call.read32(packet + dap::buffer);
        u64 buffer = (u64(far_buffer >> 16) << 4) + (far_buffer & 0xffff);
        if (far_buffer == 0xffffffff && size >= 0x18) buffer = call.read64(packet + dap::flat_buffer);
        u32 done = 0;
        u8 result = status::ok;
        if (call.ah() != 0x47)
            disk_transfer(call, call.ah() == 0x43, call.ah() == 0x44, lba, count, buffer, done, result);
        if (call.ah() != 0x47) call.write16(packet + dap::count, u16(done));
        finish(result);
        break;
    }
    case 0x45: finish(status::ok); break;            // lock/unlock: a fixed disk always succeeds
    case 0x46: finish(status::not_removable); break; // eject
    case 0x48: { // EDD drive parameters (EDD 3.0 §3.1.6): 1Ah bytes, 1Eh with the DPTE pointer
        const u64 table = call.linear(Seg::ds, call.si());
        const u16 size = call.read16(table);
        if (size < 0x1a) {
            finish(status::invalid);
            break;
        }
        const u64 cylinders = total / (u64(g.heads) * g.sectors);
        const bool chs_valid = total <= 15482880; // 16383 x 16 x 63: beyond it CHS means nothing
        call.write16(table + 0x00, size >= 0x1e ? 0x1e : 0x1a);
        call.write16(table + 0x02, chs_valid ? 0x0002 : 0x0000);
        call.write32(table + 0x04, u32(cylinders > 0xffffffff ? 0xffffffff : cylinders));
        call.write32(table + 0x08, g.heads);
        call.write32(table + 0x0c, g.sectors);
        call.write64(table + 0x10, total);
        call.write16(table + 0x18, BlockDevice::sector_size);
        if (size >= 0x1e) call.write32(table + 0x1a, 0xffffffff); // no device parameter table extension
        finish(status::ok);
        break;
    }
    case 0x49: finish(status::ok); break;      // media change: a fixed disk never changes
    case 0x4b: finish(status::invalid); break; // El Torito status/terminate: no CD emulation active
    default:
        unimplemented(call, 0x13);
        finish(status::invalid);
        break;
    }
}

} // namespace realvm::bios
