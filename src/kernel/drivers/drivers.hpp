// The monitor's device drivers as a whole: bring-up at boot, their part of the boot report, and their
// debug options.
#pragma once

#include <optional>
#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"

namespace realvm::kernel::drivers {

// Probes and initialises every driver: PCI scan, ATA disks, i8042 keyboard, VGA text screen, ACPI.
// Safe on machines that lack any of these devices; each driver reports what it found. Call after
// init_interrupts(): the keyboard registers its IRQ 1 handler. `acpi_rsdp` is
// the RSDP copy a Multiboot 2 loader passed (BootInfo::acpi_rsdp); without it ACPI searches the BIOS.
void init_all(std::optional<HostPhys> acpi_rsdp = std::nullopt);

// The drivers' lines of the boot report (pci, disk, keyboard, vga, acpi).
void report(Sink& out);

// Debug options of the drivers, written `debug=NAME` on the monitor's command line
// (briefs/monitor-protocol.md): `ata-selftest` runs the ATA write/read-back test on a scratch disk,
// `keyboard-echo` prints key events until Escape, `vga-show` puts a test screen up with
// VgaText::show(), `reboot` resets the machine (machine_reboot).
bool is_debug_option(std::string_view name);
// Runs every drivers' `debug=NAME` option found in `command_line`, after the boot report.
void run_debug_options(std::string_view command_line, Sink& out);

} // namespace realvm::kernel::drivers
