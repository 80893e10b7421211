#include "kernel/log.hpp"

#include "arch/x86_64/cpu.hpp"
#include "kernel/drivers/serial.hpp"

namespace realvm::kernel {

Sink& console() { return com1(); }

// The launcher recognises the "RealVM panic:" prefix and exits non-zero (tools/realvm).
void panic_message(std::string_view message) {
    arch::cli();
    log("\nRealVM panic: {}\nRealVM halted.\n", message);
    arch::halt_forever();
}

} // namespace realvm::kernel
