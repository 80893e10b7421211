// ACPI tables, as far as the monitor needs them: find the RSDP, check and list the tables of the
// RSDT/XSDT, read the FADT's power-management and reset registers and the DSDT's \_S5 sleep type, and
// use them to power off (S5) and reset the machine. No AML interpreter.
#pragma once

#include <optional>
#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"
#include "kernel/drivers/acpi_s5.hpp"
#include "kernel/drivers/pci.hpp"

namespace realvm::kernel::drivers {

// Generic Address Structure (ACPI 6.5 §5.2.3.2): where a register lives.
struct AcpiAddress {
    enum class Space : u8 { Memory = 0, Io = 1, PciConfig = 2 };
    Space space = Space::Io;
    u8 bit_width = 0;
    u64 address = 0; // 0 = not present
    bool present() const { return address != 0; }
};

struct AcpiTableEntry {
    char signature[5] = {};
    HostPhys address;
    u32 length = 0;
    bool checksum_ok = false;
};

class Acpi {
  public:
    static constexpr usize max_tables = 64;

    // An RSDP address handed over by the boot loader (Multiboot 2 tags 14/15), used instead of the
    // BIOS-area search.
    void set_rsdp(HostPhys rsdp) { rsdp_hint_ = rsdp; }

    // Finds and checks the RSDP, walks the XSDT (revision 2+) or RSDT, parses FADT and \_S5.
    // Returns false when the machine has no usable ACPI tables.
    bool init();
    bool present() const { return rsdp_.has_value(); }

    // The n-th table with this signature ("APIC", "HPET", ...), if listed and its checksum holds.
    const AcpiTableEntry* find(std::string_view signature, usize n = 0) const;

    // The ECAM window of PCI segment 0 from the MCFG table (PCI Firmware Spec 3.0 §4.1.2), if any.
    std::optional<PciEcam> ecam() const;

    // Soft-off (ACPI 6.5 §7.4.2 and §16.1.7, "Transitioning from the Working to the Sleeping State"):
    // enable ACPI mode if the firmware left it off, then write SLP_TYPx | SLP_EN to PM1a_CNT and
    // PM1b_CNT. Returns only when the machine is still running afterwards.
    void power_off();
    // Writes the FADT reset register (ACPI 6.5 §4.8.3.6) if the FADT offers one; returns if that
    // did not reset the machine.
    void reset();

    // `acpi: RSDP rev 0 (BOCHS), RSDT at 7ffe1b3a, tables FACP APIC HPET WAET` and the FADT/S5 facts.
    void report(Sink& out) const;

  private:
    void parse_fadt(const AcpiTableEntry& fadt);
    void add_table(HostPhys address);

    std::optional<HostPhys> rsdp_hint_;
    std::optional<HostPhys> rsdp_;
    u8 rsdp_revision_ = 0;
    char oem_[7] = {};
    bool use_xsdt_ = false;
    HostPhys root_table_;
    AcpiTableEntry tables_[max_tables];
    usize table_count_ = 0;
    bool tables_dropped_ = false;

    // From the FADT (ACPI 6.5 §5.2.9, table 5.9).
    bool have_fadt_ = false;
    u8 fadt_revision_ = 0;
    u16 sci_interrupt_ = 0;
    u32 smi_command_ = 0;
    u8 acpi_enable_ = 0;
    AcpiAddress pm1a_control_;
    AcpiAddress pm1b_control_;
    AcpiAddress reset_register_;
    u8 reset_value_ = 0;
    bool reset_supported_ = false; // FADT flags bit 10, RESET_REG_SUP
    bool has_8042_ = true;         // IAPC_BOOT_ARCH bit 1 (FADT revision 3+), assumed on older ones
    HostPhys dsdt_;
    std::optional<AcpiSleepType> s5_;
    char s5_source_[5] = {}; // "DSDT" or "SSDT"
};

Acpi& acpi();

// The power-off path of kernel::power_off() (src/kernel/power.cpp): ACPI S5; returns on failure.
void acpi_power_off();

// Resets the machine: FADT reset register, then the PCI reset control register at 0xCF9, then the
// i8042's reset line, then a triple fault. Never returns.
[[noreturn]] void machine_reboot();

} // namespace realvm::kernel::drivers
