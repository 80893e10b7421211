// A PCI function's configuration space as a guest sees it, and a virtual one with real-hardware
// register behaviour: read-only identity, writable command/latency/interrupt line, write-1-to-clear
// status bits, BARs that answer the all-ones sizing write with their size mask.
//
// References: PCI Local Bus Specification 3.0 §6.1 (configuration header), §6.2.2 (command), §6.2.3
// (status: RW1C error bits), §6.2.5.1 (base address registers and sizing).
#pragma once

#include <array>

#include "base/types.hpp"

namespace realvm::devices {

class PciFunction {
  public:
    // `offset` 0-255; `size` 1, 2 or 4 and naturally aligned (the host bridge guarantees it).
    virtual u32 config_read(u16 offset, u8 size) = 0;
    virtual void config_write(u16 offset, u8 size, u32 value) = 0;

  protected:
    ~PciFunction() = default;
};

namespace pci {
constexpr u16 vendor_id = 0x00, device_id = 0x02, command = 0x04, status = 0x06, revision = 0x08,
              class_code = 0x09, cache_line = 0x0c, latency_timer = 0x0d, header_type = 0x0e, bar0 = 0x10,
              subsystem_vendor = 0x2c, expansion_rom = 0x30, capabilities = 0x34, interrupt_line = 0x3c,
              interrupt_pin = 0x3d;
constexpr u8 header_multi_function = 0x80;
constexpr u16 status_capabilities = 0x0010;
// Command bits a guest may change: I/O, memory, bus master, parity/SERR response, INTx disable.
constexpr u16 command_writable = 0x0547;
// Status error bits cleared by writing 1: parity, signaled/received aborts, SERR, detected parity.
constexpr u16 status_write_one_to_clear = 0xf900;
} // namespace pci

class VirtualPciFunction final : public PciFunction {
  public:
    VirtualPciFunction(u16 vendor, u16 device, u8 base_class, u8 sub_class, u8 prog_if, u8 revision,
                       u8 header_type);

    u32 config_read(u16 offset, u8 size) override;
    void config_write(u16 offset, u8 size, u32 value) override;

    // Sets a register's power-on value without going through the write masks.
    void preset(u16 offset, u8 size, u32 value);
    // Makes bytes [offset, offset + size) writable by the guest (device-specific registers).
    void allow_writes(u16 offset, u16 size);
    // A 32-bit BAR of `size` bytes (power of two, >= 16 for memory, >= 4 for I/O).
    void define_bar(u8 index, u32 size, bool io, bool prefetchable = false);

  private:
    std::array<u8, 256> config_{};
    std::array<u8, 256> writable_{};
    std::array<u8, 256> write_one_to_clear_{};
    std::array<u32, 6> bar_size_{};
};

} // namespace realvm::devices
