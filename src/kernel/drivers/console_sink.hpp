// Where the monitor's log goes: COM1 always, and the VGA text screen while no VM owns it.
#pragma once

#include "base/sink.hpp"

namespace realvm::kernel::drivers {

// kernel::console() returns this. Before vga().probe() found a screen, and while a VM's screen is
// shown (vga_console().set_active(false)), only the serial port gets the text.
Sink& serial_and_screen();

} // namespace realvm::kernel::drivers
