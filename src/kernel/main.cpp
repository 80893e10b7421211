// monitor_main: the first C++ code, called by boot.S in long mode at the monitor's high address.
#include "arch/x86_64/cpu.hpp"
#include "kernel/drivers/drivers.hpp"
#include "kernel/drivers/serial.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel {
void run_global_constructors();
}

using namespace realvm;

extern "C" [[noreturn]] void monitor_main(u32 multiboot_magic, u32 multiboot_info) {
    kernel::com1().init();
    kernel::run_global_constructors();
    kernel::log("RealVM {} monitor\n", REALVM_VERSION);
    kernel::log("multiboot magic {:x} info {:x}\n", multiboot_magic, multiboot_info);
    kernel::drivers::init_all();             // PCI, disks, keyboard, VGA, ACPI (src/kernel/drivers)
    kernel::drivers::report(kernel::console());
    arch::halt_forever();
}
