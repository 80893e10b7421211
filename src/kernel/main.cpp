// monitor_main: the first C++ code, called by boot.S in long mode at the monitor's high address.
// Bring-up is an ordered list of init steps, then the boot report, then whatever runs the machine.
#include "arch/x86_64/cpu.hpp"
#include "kernel/boot_info.hpp"
#include "kernel/boot_options.hpp"
#include "kernel/cpu_features.hpp"
#include "kernel/direct_map.hpp"
#include "kernel/drivers/drivers.hpp"
#include "kernel/drivers/serial.hpp"
#include "kernel/interrupts.hpp"
#include "kernel/log.hpp"
#include "kernel/memory_check.hpp"
#include "kernel/memory_report.hpp"
#include "kernel/monitor_image.hpp"
#include "kernel/paging.hpp"
#include "kernel/per_cpu.hpp"
#include "kernel/physical_memory.hpp"
#include "kernel/power.hpp"
#include "kernel/ring3_check.hpp"
#include "kernel/timer.hpp"
#include "vmm/config/boot_configuration.hpp"

#include <array>

namespace realvm::kernel {
void run_global_constructors();
}

using namespace realvm;

namespace {
// Parses the boot module marked `config` and lists its VMs (DESIGN §9). The VM runtime that starts
// them is not wired yet: the monitor reports the configuration and powers off.
void load_configuration(const kernel::BootInfo& boot) {
    static config::Config vm_config; // views into the config module, which stays mapped
    std::array<config::BootModuleText, kernel::BootInfo::max_modules> modules{};
    usize count = 0;
    for (const kernel::BootModule& m : boot.modules())
        modules[count++] = {m.command_line(), {kernel::phys_ptr<const char>(m.range.base), m.range.size}};
    config::load_boot_configuration(std::span(modules).first(count), vm_config, kernel::console());
}
} // namespace

extern "C" [[noreturn]] void monitor_main(u32 multiboot_magic, u32 multiboot_info) {
    kernel::com1().init();
    kernel::run_global_constructors();
    kernel::log("RealVM {} monitor\n", REALVM_VERSION);
    kernel::init_boot_cpu(); // GDT, TSS, IDT, per-CPU: from here on a fault prints a dump

    static kernel::BootInfo boot;
    if (const auto error = kernel::parse_multiboot(multiboot_magic, multiboot_info, boot))
        kernel::panic("{}", *error);
    const kernel::BootOptions options =
        kernel::parse_boot_options(boot.command_line.view(), [](std::string_view word) {
            return word.starts_with("debug=") && kernel::drivers::is_debug_option(word.substr(6));
        });
    kernel::detect_cpu_features();

    kernel::physical_memory().init(boot, kernel::image_whole().phys());
    kernel::init_paging(boot);
    kernel::init_interrupts();
    kernel::init_timer();
    arch::sti();
    kernel::drivers::init_all(boot.acpi_rsdp); // PCI, disks, keyboard, VGA, ACPI (src/kernel/drivers)

    kernel::report_cpu_features();
    kernel::report_boot_info(boot);
    kernel::physical_memory().report();
    kernel::report_paging();
    kernel::report_timer();
    kernel::check_memory_services();
    kernel::drivers::report(kernel::console());
    kernel::report_memory();
    load_configuration(boot);

    if (options.debug_fixup) kernel::check_fault_fixup();
    if (options.debug_ring3) kernel::check_ring3();
    if (options.debug_fault) kernel::take_deliberate_fault();
    if (options.debug_double_fault) kernel::take_deliberate_double_fault();
    if (options.debug_stack_overflow) kernel::overflow_the_stack();
    kernel::drivers::run_debug_options(boot.command_line.view(), kernel::console());
    kernel::power_off();
}
