// A real PCI function assigned to one VM, seen through a filter: its identity and registers come
// from the real device, while everything that could reach beyond the VM stays virtual. The guest can
// size and move its BARs (virtual values; the monitor remaps), program its interrupt line (virtual;
// the monitor delivers the real IRQ there), enable decoding and bus mastering, clear status bits.
// It cannot reprogram the real BARs, expansion ROM, capabilities (MSI could aim writes anywhere) or
// device-specific registers.
#pragma once

#include <array>

#include "base/types.hpp"
#include "vmm/devices/pci_address.hpp"
#include "vmm/devices/pci_function.hpp"

namespace realvm::devices {

struct PciBar {
    u64 base = 0; // real bus address (memory) or port (I/O)
    u64 size = 0; // 0: BAR not implemented
    bool io = false;
    bool is_64bit = false; // occupies this and the next BAR slot
    bool prefetchable = false;
};

// The monitor's access to real configuration space and its handling of BAR placement.
class PciPassthroughBackend {
  public:
    virtual u32 read_config(PciAddress real, u16 offset, u8 size) = 0;
    virtual void write_config(PciAddress real, u16 offset, u8 size, u32 value) = 0;
    // What the monitor found when it sized the real BARs at boot.
    virtual PciBar bar(PciAddress real, u8 index) = 0;
    // The guest placed BAR `index` at `guest_base`: map it to the real BAR (or leave it unmapped).
    virtual void bar_moved(PciAddress real, u8 index, u64 guest_base) = 0;

  protected:
    ~PciPassthroughBackend() = default;
};

class AssignedPciFunction final : public PciFunction {
  public:
    AssignedPciFunction(PciAddress real, PciPassthroughBackend& backend);

    u32 config_read(u16 offset, u8 size) override;
    void config_write(u16 offset, u8 size, u32 value) override;

    PciAddress real_address() const { return real_; }
    u8 guest_interrupt_line() const { return interrupt_line_; }
    u64 guest_bar_base(u8 index) const;

  private:
    u32 read_dword(u16 offset);
    void write_bar(unsigned index, u32 value, u32 byte_mask);

    PciAddress real_;
    PciPassthroughBackend& backend_;
    std::array<PciBar, 6> bars_{};
    std::array<u32, 6> bar_values_{}; // what the guest reads: real base at first, then its writes
    u8 interrupt_line_ = 0;
};

} // namespace realvm::devices
