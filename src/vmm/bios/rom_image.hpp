// Builds the BIOS ROM (rom_layout.hpp) and the interrupt vector table in guest memory.
#pragma once

#include "vmm/bios/host_interfaces.hpp"

namespace realvm::bios {

// Clears F000:0000-FFFF and writes the entries, the hardware interrupt handlers, the tables (system
// configuration for INT 15h C0h, diskette parameters), the reset vector, the date and the model byte.
void install_rom(GuestMemoryAccess& memory);
// All 256 vectors: services and handlers in the ROM, an IRET for the rest, data pointers where the PC
// has them (1Eh diskette parameters; 1Dh, 1Fh, 41h, 43h, 46h: none).
void install_ivt(GuestMemoryAccess& memory);

} // namespace realvm::bios
