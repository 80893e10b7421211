#include "kernel/drivers/ata.hpp"

#include "arch/x86_64/port_io.hpp"
#include "base/format.hpp"
#include "kernel/drivers/pci.hpp"
#include "kernel/drivers/report.hpp"
#include "kernel/drivers/timeout.hpp"

namespace realvm::kernel::drivers {
namespace {

// Command block register offsets (ATA-6 §7.1, table 9).
namespace reg {
constexpr u16 data = 0, error = 1, features = 1, sector_count = 2, lba_low = 3, lba_mid = 4, lba_high = 5,
              device = 6, status = 7, command = 7;
}
// Status register (ATA-6 §7.15).
namespace status {
constexpr u8 err = 0x01, drq = 0x08, df = 0x20, drdy = 0x40, bsy = 0x80;
}
// Device control register (ATA-6 §7.9): nIEN masks INTRQ (this driver polls), SRST resets the channel.
namespace control {
constexpr u8 nien = 0x02, srst = 0x04;
}
// Device register (ATA-6 §7.10): bit 6 = LBA addressing, bit 4 = device 1; bits 7 and 5 are obsolete
// but older devices expect them set.
constexpr u8 device_lba = 0x40, device_obsolete = 0xA0, device_slave = 0x10;

// Commands (ATA-6 §8).
namespace command {
constexpr u8 read_sectors = 0x20, read_sectors_ext = 0x24, write_sectors = 0x30, write_sectors_ext = 0x34,
             identify_packet_device = 0xA1, flush_cache = 0xE7, flush_cache_ext = 0xEA,
             identify_device = 0xEC;
}

// Budgets for polling. ATA-6 §9.2 allows a device up to 31 s to leave BSY after a reset while it spins
// up; a device that answers at all does so far sooner, and an empty channel never gets here.
constexpr u64 reset_budget = milliseconds(5000);
constexpr u64 command_budget = milliseconds(5000);
constexpr u64 flush_budget = milliseconds(30000);

struct Channel {
    AtaChannelPorts ports;

    u8 read(u16 r) const { return arch::in8(static_cast<u16>(ports.command + r)); }
    void write(u16 r, u8 v) const { arch::out8(static_cast<u16>(ports.command + r), v); }
    u8 alt_status() const { return arch::in8(ports.control); }
    void set_control(u8 v) const { arch::out8(ports.control, v); }

    // The status register is valid 400 ns after a command or device selection (ATA-6 §9.7, §9.9);
    // an alternate-status read takes at least 100 ns, so four of them make the wait.
    void delay_400ns() const {
        for (int i = 0; i < 4; ++i)
            alt_status();
    }

    // Waits until BSY is clear; returns the status register (which also acknowledges INTRQ).
    bool wait_not_busy(u64 budget, u8& last) const {
        Timeout timeout(budget);
        for (;;) {
            last = alt_status();
            if (!(last & status::bsy)) {
                last = read(reg::status);
                return true;
            }
            if (timeout.expired()) return false;
        }
    }

    void select(bool slave) const {
        write(reg::device, static_cast<u8>(device_obsolete | (slave ? device_slave : 0)));
        delay_400ns();
    }

    // Selects a device and checks that the selection took: devices ignore writes to the command
    // block while BSY is set (ATA-6 §7.15.6.1), e.g. until a reset is over, so a select that arrives
    // too early must be repeated. The device register reads back the DEV bit (ATA-6 §7.10).
    bool select_confirmed(bool slave, u64 budget) const {
        Timeout timeout(budget);
        for (;;) {
            select(slave);
            if (bool(read(reg::device) & device_slave) == slave) return true;
            if (timeout.expired()) return false;
        }
    }

    // The shadow registers of an absent device do not keep what is written to them (Linux's
    // ata_devchk does the same test): write two patterns and read them back.
    bool registers_hold_values() const {
        write(reg::sector_count, 0x55);
        write(reg::lba_low, 0xAA);
        write(reg::sector_count, 0xAA);
        write(reg::lba_low, 0x55);
        write(reg::sector_count, 0x55);
        write(reg::lba_low, 0xAA);
        return read(reg::sector_count) == 0x55 && read(reg::lba_low) == 0xAA;
    }
};

AtaResult failure(AtaResult::Code code, const Channel& ch, u8 last_status) {
    const bool has_error = last_status & (status::err | status::df);
    return {code, last_status, has_error ? ch.read(reg::error) : u8(0)};
}

// Words 27-46 (model), 10-19 (serial): two ASCII characters per word, first one in the high byte
// (ATA-6 §8.15.x, IDENTIFY DEVICE word descriptions).
template <usize N>
void identify_string(const u16* words, unsigned first, unsigned count, char (&out)[N]) {
    usize n = 0;
    for (unsigned w = first; w < first + count && n + 2 < N; ++w) {
        out[n++] = static_cast<char>(words[w] >> 8);
        out[n++] = static_cast<char>(words[w] & 0xFF);
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
        --n;
    usize start = 0;
    while (start < n && out[start] == ' ')
        ++start;
    for (usize i = 0; i < n - start; ++i)
        out[i] = out[start + i];
    out[n - start] = '\0';
}

} // namespace

void AtaResult::describe(Sink& out) const {
    static constexpr const char* names[] = {"ok",           "no device",       "timeout",     "device error",
                                            "device fault", "no data request", "out of range"};
    format(out, "{}", names[static_cast<unsigned>(code)]);
    if (code == Code::Ok || code == Code::NoDevice || code == Code::OutOfRange) return;
    format(out, " (status {:02x}", status);
    if (status & (status::err | status::df)) {
        format(out, " error {:02x}", error);
        // Error register bits (ATA-6 §7.11 and the command descriptions).
        constexpr struct {
            u8 bit;
            const char* name;
        } bits[] = {{0x80, "ICRC"}, {0x40, "UNC"},  {0x20, "MC"}, {0x10, "IDNF"},
                    {0x08, "MCR"},  {0x04, "ABRT"}, {0x02, "NM"}, {0x01, "AMNF"}};
        const char* separator = ":";
        for (const auto& b : bits) {
            if (error & b.bit) {
                format(out, "{} {}", separator, b.name);
                separator = ",";
            }
        }
    }
    format(out, ")");
}

void AtaDisks::add_channel(AtaChannelPorts ports) {
    for (usize i = 0; i < channel_count_; ++i)
        if (channels_[i].command == ports.command) return;
    if (channel_count_ < max_channels) channels_[channel_count_++] = ports;
}

void AtaDisks::probe() {
    channel_count_ = drive_count_ = 0;
    // Legacy ("compatibility mode") channels have fixed ports (ATA-6 does not define them; they are
    // the PC/AT convention, also PCI IDE Controller Spec 1.0 §2.1). The drive names depend on the
    // channel order: legacy primary = ata0/ata1, secondary = ata2/ata3, native channels after.
    add_channel({0x1F0, 0x3F6});
    add_channel({0x170, 0x376});
    // A PCI IDE controller in native mode (PCI IDE Controller Spec 1.0 §2.2: prog-if bit 0 for the
    // primary, bit 2 for the secondary channel) takes its ports from BAR0/1 and BAR2/3; the control
    // register is the third port of the four-port block (offset 2).
    for (usize n = 0;; ++n) {
        const PciFunction* ide = pci().find_class(0x01, 0x01, n);
        if (!ide) break;
        for (unsigned ch = 0; ch < 2; ++ch) {
            if (!(ide->prog_if & (1u << (2 * ch)))) continue;
            const PciBar& cmd = ide->bars[2 * ch];
            const PciBar& ctl = ide->bars[2 * ch + 1];
            if (cmd.kind != PciBarKind::Io || ctl.kind != PciBarKind::Io) continue;
            add_channel({static_cast<u16>(cmd.base), static_cast<u16>(ctl.base + 2)});
        }
    }
    for (unsigned ch = 0; ch < channel_count_; ++ch)
        probe_channel(ch);
}

void AtaDisks::probe_channel(unsigned index) {
    const Channel ch{channels_[index]};
    // Nothing drives the bus of an empty channel: pull-ups make every register read 0xFF.
    ch.select(false);
    const u8 master_status = ch.read(reg::status);
    ch.select(true);
    const u8 slave_status = ch.read(reg::status);
    if (master_status == 0xFF && slave_status == 0xFF) return;

    // Software reset of both devices (ATA-6 §9.2): SRST for at least 5 µs, then wait for BSY to clear.
    // Device 0 is selected first: its BSY tells when the reset is over (an absent device 1 would
    // show a status without BSY at once, under QEMU as on real buses).
    ch.select(false);
    ch.set_control(control::srst | control::nien);
    for (int i = 0; i < 5; ++i)
        io_delay();
    ch.set_control(control::nien);
    for (int i = 0; i < 2000; ++i)
        io_delay(); // 2 ms before status is meaningful
    u8 last = 0;
    if (!ch.select_confirmed(false, reset_budget) || !ch.wait_not_busy(reset_budget, last)) return;

    for (int slave = 0; slave < 2; ++slave) {
        if (!ch.select_confirmed(slave, command_budget)) continue;
        // Signature in the LBA mid/high registers after reset (ATA-6 §9.12): ATAPI devices set 14h/EBh
        // (SATA bridges report 69h/96h), ATA devices 00h/00h (SATA 3Ch/C3h).
        const u8 mid = ch.read(reg::lba_mid);
        const u8 high = ch.read(reg::lba_high);
        if (ch.read(reg::status) == 0xFF || !ch.registers_hold_values()) continue;
        u8 st = 0;
        if (!ch.wait_not_busy(command_budget, st)) continue;

        AtaDeviceKind kind;
        if ((mid == 0x14 && high == 0xEB) || (mid == 0x69 && high == 0x96))
            kind = AtaDeviceKind::Atapi;
        else if ((mid == 0x00 && high == 0x00) || (mid == 0x3C && high == 0xC3))
            kind = AtaDeviceKind::Ata;
        else
            continue; // e.g. FFh/FFh: QEMU's absent device 1

        ch.write(reg::command,
                 kind == AtaDeviceKind::Ata ? command::identify_device : command::identify_packet_device);
        ch.delay_400ns();
        if (ch.read(reg::status) == 0) continue; // nobody answers the command
        if (!ch.wait_not_busy(command_budget, st)) continue;
        if (st & status::err) continue; // ABRT: not a device of the kind its signature claimed
        Timeout timeout(command_budget);
        while (!(st & status::drq)) {
            if (timeout.expired()) break;
            st = ch.alt_status();
        }
        if (!(st & status::drq)) continue;
        u16 words[256];
        arch::in16_string(static_cast<u16>(ch.ports.command + reg::data), words, 256);
        ch.read(reg::status);

        if (drive_count_ == max_drives) return;
        AtaDrive& d = drives_[drive_count_++];
        d = {};
        format_into(d.name, "ata{}", index * 2 + slave);
        d.channel = index;
        d.slave = slave;
        d.kind = kind;
        identify_string(words, 27, 20, d.model);
        identify_string(words, 10, 10, d.serial);
        if (kind == AtaDeviceKind::Ata) {
            // Word 83 bit 10: 48-bit Address feature set supported; words 100-103 then hold the
            // maximum user LBA + 1. Words 60-61: sectors addressable with 28-bit commands.
            d.lba48 = words[83] & (1 << 10);
            const u64 lba28 = u64(words[60]) | u64(words[61]) << 16;
            const u64 lba48 =
                u64(words[100]) | u64(words[101]) << 16 | u64(words[102]) << 32 | u64(words[103]) << 48;
            d.sectors = d.lba48 && lba48 ? lba48 : lba28;
        }
    }
}

const AtaDrive* AtaDisks::find(std::string_view name) const {
    for (const auto& d : drives())
        if (name == d.name) return &d;
    return nullptr;
}

AtaResult AtaDisks::read(const AtaDrive& drive, u64 lba, u32 count, void* buffer, bool force_lba48) {
    if (drive.kind != AtaDeviceKind::Ata) return {AtaResult::Code::NoDevice};
    if (lba >= drive.sectors || count > drive.sectors - lba) return {AtaResult::Code::OutOfRange};
    return transfer(drive, lba, count, static_cast<u8*>(buffer), false, force_lba48);
}

AtaResult AtaDisks::write(const AtaDrive& drive, u64 lba, u32 count, const void* buffer, bool force_lba48) {
    if (drive.kind != AtaDeviceKind::Ata) return {AtaResult::Code::NoDevice};
    if (lba >= drive.sectors || count > drive.sectors - lba) return {AtaResult::Code::OutOfRange};
    // PIO data-out only reads the buffer.
    return transfer(drive, lba, count, const_cast<u8*>(static_cast<const u8*>(buffer)), true, force_lba48);
}

// PIO data-in / data-out protocols (ATA-6 §9.7, §9.8), polled: per sector, wait for BSY to clear,
// check ERR/DF, expect DRQ, move 256 words through the data register.
AtaResult AtaDisks::transfer(const AtaDrive& drive, u64 lba, u32 count, u8* buffer, bool writing,
                             bool force_lba48) {
    const Channel ch{channels_[drive.channel]};
    const u16 data_port = static_cast<u16>(ch.ports.command + reg::data);
    while (count > 0) {
        const bool lba48 = force_lba48 || lba + count > (u64(1) << 28);
        if (lba48 && !drive.lba48) return {AtaResult::Code::OutOfRange};
        // Sector count 0 means 256 (LBA28) or 65536 (LBA48) sectors.
        const u32 chunk = count < (lba48 ? 65536u : 256u) ? count : (lba48 ? 65536u : 256u);

        u8 st = 0;
        if (!ch.select_confirmed(drive.slave, command_budget) || !ch.wait_not_busy(command_budget, st))
            return failure(AtaResult::Code::Timeout, ch, st);
        if (lba48) {
            // 48-bit commands take each register twice: the "previous" (high) byte first (ATA-6 §6.20).
            ch.write(reg::device,
                     static_cast<u8>(device_obsolete | device_lba | (drive.slave ? device_slave : 0)));
            ch.write(reg::features, 0);
            ch.write(reg::sector_count, static_cast<u8>(chunk >> 8));
            ch.write(reg::lba_low, static_cast<u8>(lba >> 24));
            ch.write(reg::lba_mid, static_cast<u8>(lba >> 32));
            ch.write(reg::lba_high, static_cast<u8>(lba >> 40));
            ch.write(reg::features, 0);
            ch.write(reg::sector_count, static_cast<u8>(chunk));
            ch.write(reg::lba_low, static_cast<u8>(lba));
            ch.write(reg::lba_mid, static_cast<u8>(lba >> 8));
            ch.write(reg::lba_high, static_cast<u8>(lba >> 16));
            ch.write(reg::command, writing ? command::write_sectors_ext : command::read_sectors_ext);
        } else {
            ch.write(reg::device, static_cast<u8>(device_obsolete | device_lba |
                                                  (drive.slave ? device_slave : 0) | ((lba >> 24) & 0x0F)));
            ch.write(reg::features, 0);
            ch.write(reg::sector_count, static_cast<u8>(chunk));
            ch.write(reg::lba_low, static_cast<u8>(lba));
            ch.write(reg::lba_mid, static_cast<u8>(lba >> 8));
            ch.write(reg::lba_high, static_cast<u8>(lba >> 16));
            ch.write(reg::command, writing ? command::write_sectors : command::read_sectors);
        }

        for (u32 i = 0; i < chunk; ++i) {
            ch.delay_400ns();
            if (!ch.wait_not_busy(command_budget, st)) return failure(AtaResult::Code::Timeout, ch, st);
            if (st & status::err) return failure(AtaResult::Code::DeviceError, ch, st);
            if (st & status::df) return failure(AtaResult::Code::DeviceFault, ch, st);
            if (!(st & status::drq)) return failure(AtaResult::Code::NoData, ch, st);
            auto* words = reinterpret_cast<u16*>(buffer);
            if (writing)
                arch::out16_string(data_port, words, ata_sector_size / 2);
            else
                arch::in16_string(data_port, words, ata_sector_size / 2);
            buffer += ata_sector_size;
        }
        ch.delay_400ns();
        if (!ch.wait_not_busy(command_budget, st)) return failure(AtaResult::Code::Timeout, ch, st);
        if (st & (status::err | status::df))
            return failure(st & status::err ? AtaResult::Code::DeviceError : AtaResult::Code::DeviceFault, ch,
                           st);

        if (writing) {
            // A device may hold written data in its cache until told to flush (ATA-6 §8.10/8.11).
            ch.write(reg::command, lba48 ? command::flush_cache_ext : command::flush_cache);
            ch.delay_400ns();
            if (!ch.wait_not_busy(flush_budget, st)) return failure(AtaResult::Code::Timeout, ch, st);
            if (st & (status::err | status::df)) return failure(AtaResult::Code::DeviceError, ch, st);
        }
        lba += chunk;
        count -= chunk;
    }
    return {};
}

void AtaDisks::report(Sink& out) const {
    if (drive_count_ == 0) format(out, "disk: no ATA drives on {} channel(s)\n", channel_count_);
    for (const auto& d : drives()) {
        const AtaChannelPorts& p = channels_[d.channel];
        if (d.kind == AtaDeviceKind::Atapi) {
            format(out, "disk {}: {}, cdrom (ATAPI) at {:x}/{:x} {}\n", d.name, d.model, p.command, p.control,
                   d.slave ? "slave" : "master");
            continue;
        }
        format(out, "disk {}: {}, ", d.name, d.model);
        format_size(out, d.bytes());
        format(out, " ({} sectors, {})\n", d.sectors, d.lba48 ? "LBA48" : "LBA28");
    }
}

AtaDisks& ata() {
    static AtaDisks disks;
    return disks;
}

} // namespace realvm::kernel::drivers
