// QEMU's firmware configuration interface, the traditional I/O-port form: a 16-bit selector written
// to 0x510, then the item's bytes read one at a time from 0x511. Enough for test kernels and firmware
// built for QEMU to learn the CPU count and RAM size. Items are little-endian, except the file
// directory, which is big-endian. There is no DMA interface (FW_CFG_ID bit 1 clear).
// Reference: QEMU docs/specs/fw_cfg.rst ("Selector Register", "Data Register", "Selector Reference").
#pragma once

#include "base/types.hpp"
#include "vmm/devices/port_device.hpp"

namespace realvm::devices {

class FwCfg final : public PortDevice {
  public:
    static constexpr u16 selector_port = 0x510;
    static constexpr u16 data_port = 0x511;

    enum Item : u16 {
        signature = 0x0000, // "QEMU"
        id = 0x0001,        // u32 features: bit 0 traditional interface, bit 1 DMA
        uuid = 0x0002,      // 16 bytes
        ram_size = 0x0003,  // u64
        nographic = 0x0004, // u16
        nb_cpus = 0x0005,   // u16
        boot_menu = 0x000e, // u16
        max_cpus = 0x000f,  // u16
        file_dir = 0x0019,  // u32 count (big-endian), then entries
    };

    FwCfg(u64 ram_bytes, u16 cpus) : ram_bytes_(ram_bytes), cpus_(cpus) {}

    u32 port_read(u16 port, u8 size) override;
    void port_write(u16 port, u8 size, u32 value) override;

  private:
    // Byte `offset` of the selected item, and whether the item has that byte.
    bool item_byte(u16 offset, u8& byte) const;

    u64 ram_bytes_;
    u16 cpus_;
    u16 selector_ = signature;
    u32 offset_ = 0;
};

} // namespace realvm::devices
