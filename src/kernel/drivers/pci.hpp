// PCI configuration space access (mechanism #1) and the table of every function found at boot.
//
// The rest of the monitor asks this table which devices exist (the boot report, ATA controllers in
// native mode, later the devices assigned to VMs) and reads/writes their configuration space.
#pragma once

#include <compare>
#include <optional>
#include <span>
#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::kernel::drivers {

// bus:device.function, as in `lspci` (PCI Local Bus Spec 3.0 §3.2.2.3.2: 8-bit bus, 5-bit device,
// 3-bit function). The configuration's `pci =` lines are parsed by config::parse_pci_address.
struct PciAddress {
    u8 bus = 0;
    u8 device = 0;
    u8 function = 0;
    constexpr auto operator<=>(const PciAddress&) const = default;
};

// Raw configuration space access. `offset` is a register offset 0..255; 16- and 32-bit accesses must
// be naturally aligned. Not reentrant: 0xCF8/0xCFC is one shared index/data pair, so callers must not
// interleave accesses from interrupt handlers.
u8 pci_read8(PciAddress at, u8 offset);
u16 pci_read16(PciAddress at, u8 offset);
u32 pci_read32(PciAddress at, u8 offset);
void pci_write8(PciAddress at, u8 offset, u8 value);
void pci_write16(PciAddress at, u8 offset, u16 value);
void pci_write32(PciAddress at, u8 offset, u32 value);

// Configuration header registers (PCI Local Bus Spec 3.0 §6.1, figure 6-1 and 6-2).
namespace pci_reg {
constexpr u8 vendor_id = 0x00, device_id = 0x02, command = 0x04, status = 0x06, revision = 0x08,
             prog_if = 0x09, subclass = 0x0A, class_code = 0x0B, header_type = 0x0E, bar0 = 0x10,
             primary_bus = 0x18, secondary_bus = 0x19, subordinate_bus = 0x1A, rom = 0x30, bridge_rom = 0x38,
             interrupt_line = 0x3C, interrupt_pin = 0x3D;
} // namespace pci_reg

// Command register bits (PCI Local Bus Spec 3.0 §6.2.2).
namespace pci_command {
constexpr u16 io_space = 1 << 0, memory_space = 1 << 1, bus_master = 1 << 2, interrupt_disable = 1 << 10;
}

enum class PciBarKind : u8 { Unused, Io, Memory32, Memory64 };

struct PciBar {
    PciBarKind kind = PciBarKind::Unused;
    bool prefetchable = false;
    u64 base = 0; // port number for Io, physical address otherwise
    u64 size = 0; // bytes (or ports); 0 when the BAR is unimplemented
};

struct PciFunction {
    PciAddress address;
    u16 vendor = 0;
    u16 device = 0;
    u8 class_code = 0;
    u8 subclass = 0;
    u8 prog_if = 0;
    u8 revision = 0;
    u8 header_type = 0; // without the multi-function bit: 0 device, 1 PCI-PCI bridge, 2 CardBus bridge
    bool multifunction = false;
    u8 interrupt_line = 0xFF; // the legacy IRQ firmware routed the pin to; 0xFF = none
    u8 interrupt_pin = 0;     // 0 none, 1..4 = INTA#..INTD#
    u8 secondary_bus = 0;     // bridges only
    u8 bar_count = 0;         // 6 for devices, 2 for PCI-PCI bridges
    PciBar bars[6];
    PciBar rom; // expansion ROM BAR (§6.2.5.2): Memory32; base 0 when firmware left it unassigned

    bool is_bridge() const { return header_type == 1; }
};

// A human-readable name for a class/subclass(/prog-if), e.g. "host bridge", "IDE controller".
std::string_view pci_class_name(u8 class_code, u8 subclass, u8 prog_if);

// The memory-mapped configuration window of PCI Express (ECAM, PCI Express Base Spec 4.0 §7.2.2):
// 4 KiB of configuration space per function at base + (bus - start_bus) << 20 | device << 15 |
// function << 12. The ACPI MCFG table names it (PCI Firmware Spec 3.0 §4.1.2).
struct PciEcam {
    HostPhys base;
    u8 start_bus = 0;
    u8 end_bus = 0;
};

// Every function found by enumerate(), in bus:device.function order of discovery.
class PciBus {
  public:
    static constexpr usize capacity = 256;

    // Walks bus 0 and every bus behind a PCI-PCI bridge (PCI-to-PCI Bridge Architecture Spec 1.2
    // §3.2.5.3), plus the extra root buses of a multi-function host bridge. Sizes every BAR.
    void enumerate();

    std::span<const PciFunction> functions() const { return {functions_, count_}; }
    const PciFunction* find(PciAddress address) const;
    // The n-th function with this class/subclass (n counts from 0), e.g. every IDE controller.
    const PciFunction* find_class(u8 class_code, u8 subclass, usize n = 0) const;
    const PciFunction* find_id(u16 vendor, u16 device, usize n = 0) const;
    // Extended configuration space (offsets 256-4095, PCIe capabilities) for passthrough. Works only
    // with an ECAM window below 4 GiB (set_ecam before enumerate, from ACPI's MCFG); empty otherwise.
    void set_ecam(PciEcam ecam);
    std::optional<u32> read32_extended(PciAddress at, u16 offset) const;
    bool write32_extended(PciAddress at, u16 offset, u32 value) const;

    // True when functions were dropped because the table was full.
    bool overflowed() const { return overflowed_; }

    // One line per function and its BARs indented below: `pci 00:00.0 8086:1237 host bridge`.
    void report(Sink& out) const;

  private:
    void scan_bus(u8 bus, unsigned depth);
    void scan_device(u8 bus, u8 device, unsigned depth);
    void add_function(PciAddress address, unsigned depth);
    bool bus_seen(u8 bus) const { return (buses_seen_[bus / 64] >> (bus % 64)) & 1; }

    volatile u32* ecam_register(PciAddress at, u16 offset) const;

    std::optional<PciEcam> ecam_;
    usize ecam_checked_ = 0; // functions whose ECAM view matched mechanism #1 at enumerate()
    usize ecam_mismatched_ = 0;
    PciFunction functions_[capacity];
    usize count_ = 0;
    bool overflowed_ = false;
    u64 buses_seen_[4] = {};
};

PciBus& pci();

} // namespace realvm::kernel::drivers
