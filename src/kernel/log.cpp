#include "kernel/log.hpp"

#include "arch/x86_64/cpu.hpp"
#include "kernel/drivers/console_sink.hpp"

namespace realvm::kernel {

Sink& console() { return drivers::serial_and_screen(); } // COM1, and VGA while no VM owns it

// The launcher recognises the "RealVM panic:" prefix and exits non-zero (tools/realvm).
// A panic while panicking (a fault in the console, say) stops at once instead of recursing.
void panic_message(std::string_view message) {
    arch::cli();
    static bool panicking = false;
    if (panicking) arch::halt_forever();
    panicking = true;
    log("\nRealVM panic: {}\nRealVM halted.\n", message);
    arch::halt_forever();
}

} // namespace realvm::kernel
