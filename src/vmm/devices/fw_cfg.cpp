#include "vmm/devices/fw_cfg.hpp"

namespace realvm::devices {

namespace {
bool little_endian_byte(u64 value, unsigned width, u16 offset, u8& byte) {
    if (offset >= width) return false;
    byte = offset < 8 ? u8(value >> (8 * offset)) : 0;
    return true;
}
} // namespace

bool FwCfg::item_byte(u16 offset, u8& byte) const {
    switch (selector_) {
    case signature: {
        constexpr char text[] = "QEMU";
        if (offset >= 4) return false;
        byte = u8(text[offset]);
        return true;
    }
    case id: return little_endian_byte(1, 4, offset, byte);
    case uuid: return little_endian_byte(0, 16, offset, byte); // all-zero UUID
    case ram_size: return little_endian_byte(ram_bytes_, 8, offset, byte);
    case nographic: return little_endian_byte(1, 2, offset, byte);
    case nb_cpus:
    case max_cpus: return little_endian_byte(cpus_, 2, offset, byte);
    case boot_menu: return little_endian_byte(0, 2, offset, byte);
    case file_dir: return little_endian_byte(0, 4, offset, byte); // zero files (count 0 in any order)
    default: return false;
    }
}

u32 FwCfg::port_read(u16 port, u8 size) {
    if (port != data_port) return 0;
    // Wider reads of the data register return consecutive bytes in string order (QEMU does the same).
    u32 value = 0;
    for (u8 i = 0; i < size; ++i) {
        u8 byte = 0;
        if (offset_ <= 0xffff && item_byte(u16(offset_), byte)) ++offset_;
        value = (value << 8) | byte; // past the end of an item reads 0
    }
    return value;
}

void FwCfg::port_write(u16 port, u8, u32 value) {
    if (port != selector_port) return; // writes to the data register are ignored (QEMU >= 2.4)
    selector_ = u16(value);
    offset_ = 0;
}

} // namespace realvm::devices
