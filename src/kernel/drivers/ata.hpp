// ATA PIO driver (ATA/ATAPI-6, T13/1410D rev. 3b): finds disks on the legacy IDE channels and on
// PCI IDE controllers in native mode, identifies them, and reads and writes sectors with polled PIO.
//
// Polled on purpose: the monitor reads and writes its own disk rarely (saving and restoring VMs), and
// a polled driver works before interrupts are set up and on any chipset. nIEN stays set.
#pragma once

#include <span>
#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::kernel::drivers {

constexpr usize ata_sector_size = 512; // the driver assumes 512-byte logical sectors (word 106 unused)

// One channel's two register blocks (ATA-6 §7.1: command block and control block).
struct AtaChannelPorts {
    u16 command = 0; // data, error/features, sector count, LBA low/mid/high, device, status/command
    u16 control = 0; // alternate status (read) / device control (write)
};

// Why an operation failed; `status` and `error` hold the device's registers when it got that far.
struct AtaResult {
    enum class Code : u8 { Ok, NoDevice, Timeout, DeviceError, DeviceFault, NoData, OutOfRange };
    Code code = Code::Ok;
    u8 status = 0;
    u8 error = 0;

    constexpr bool ok() const { return code == Code::Ok; }
    // "ok", "timeout (status 80)", "device error (status 51 error 04: ABRT)", ...
    void describe(Sink& out) const;
};

enum class AtaDeviceKind : u8 { Ata, Atapi };

struct AtaDrive {
    char name[8] = {}; // "ata0": channel * 2 + (slave ? 1 : 0)
    unsigned channel = 0;
    bool slave = false;
    AtaDeviceKind kind = AtaDeviceKind::Ata;
    char model[41] = {};  // IDENTIFY words 27-46, spaces trimmed
    char serial[21] = {}; // IDENTIFY words 10-19
    bool lba48 = false;   // word 83 bit 10
    u64 sectors = 0;      // words 100-103 with LBA48, else words 60-61 (LBA28)

    u64 bytes() const { return sectors * ata_sector_size; }
};

class AtaDisks {
  public:
    static constexpr usize max_channels = 8;
    static constexpr usize max_drives = 2 * max_channels;

    // Probes the legacy channels (0x1F0/0x3F6, 0x170/0x376) and the native-mode channels of every
    // PCI IDE controller in the PCI table (call after pci().enumerate()). Never waits long on an
    // empty channel: a floating bus (status 0xFF) or registers that do not hold a value mean nothing
    // is attached.
    void probe();

    std::span<const AtaDrive> drives() const { return {drives_, drive_count_}; }
    const AtaDrive* find(std::string_view name) const;

    // Reads/writes `count` consecutive sectors starting at `lba` into/from `buffer`
    // (count * 512 bytes). LBA28 commands are used when the range fits in 28 bits, LBA48 otherwise;
    // `force_lba48` makes small transfers use the 48-bit commands too (tests). Writes are followed by
    // FLUSH CACHE, so the data is on the medium when write() returns Ok.
    AtaResult read(const AtaDrive& drive, u64 lba, u32 count, void* buffer, bool force_lba48 = false);
    AtaResult write(const AtaDrive& drive, u64 lba, u32 count, const void* buffer, bool force_lba48 = false);

    // `disk ata0: QEMU HARDDISK, 64 MiB (131072 sectors, LBA48)`, one line per drive.
    void report(Sink& out) const;

  private:
    friend bool ata_selftest(Sink& out); // uses transfer() past the end to see the device's error

    void add_channel(AtaChannelPorts ports);
    void probe_channel(unsigned channel);
    AtaResult transfer(const AtaDrive& drive, u64 lba, u32 count, u8* buffer, bool writing, bool force_lba48);

    AtaChannelPorts channels_[max_channels];
    usize channel_count_ = 0;
    AtaDrive drives_[max_drives];
    usize drive_count_ = 0;
};

AtaDisks& ata();

// The write/read-back self-test behind `debug=ata-selftest`. It only touches a disk whose sector 0
// starts with `ata_scratch_magic` (an image made for the test): it writes patterns to sectors 1..3
// and 8..307 with LBA28 commands and to the last sector with LBA48 commands, reads them back, and
// checks that a read past the end is reported as an error. Returns true when every step passed.
constexpr std::string_view ata_scratch_magic = "REALVM-SCRATCH-DISK";
bool ata_selftest(Sink& out);

} // namespace realvm::kernel::drivers
