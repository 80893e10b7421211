// The monitor's device drivers as a whole: bring-up at boot and their part of the boot report.
#pragma once

#include "base/sink.hpp"

namespace realvm::kernel::drivers {

// Probes and initialises every driver: PCI scan, ATA disks, i8042 keyboard, VGA text screen, ACPI.
// Safe on machines that lack any of these devices; each driver reports what it found.
void init_all();

// The drivers' lines of the boot report (pci, disk, keyboard, vga, acpi).
void report(Sink& out);

} // namespace realvm::kernel::drivers
