#include "vmm/config/boot_configuration.hpp"

#include <array>

#include "base/format.hpp"
#include "vmm/config/boot_modules.hpp"
#include "vmm/config/parser.hpp"
#include "vmm/config/summary.hpp"

namespace realvm::config {
namespace {

const BootModuleText* find_config_module(std::span<const BootModuleText> modules, Sink& console) {
    const BootModuleText* found = nullptr;
    for (const BootModuleText& module : modules) {
        if (!is_config_module(module.command_line)) continue;
        if (found == nullptr) {
            found = &module;
        } else {
            format(console, "Configuration: more than one module is marked config; using {}, not {}\n",
                   module_name(found->command_line), module_name(module.command_line));
        }
    }
    return found;
}

void print_vms(Sink& console, const Config& config) {
    for (const VmConfig& vm : config.vms()) {
        format(console, "  ");
        print_vm_summary(console, config.file, vm);
        format(console, "\n");
    }
}

} // namespace

bool load_boot_configuration(std::span<const BootModuleText> modules, Config& config, Sink& console) {
    const BootModuleText* module = find_config_module(modules, console);
    if (module == nullptr) {
        format(console, "Configuration: none (no boot module is marked config; no VMs)\n");
        return false;
    }
    if (modules.size() > max_boot_modules) {
        format(console, "Configuration: only the first {} of {} boot modules are used\n", max_boot_modules,
               modules.size());
        modules = modules.first(max_boot_modules);
    }
    std::array<std::string_view, max_boot_modules> names{};
    for (usize i = 0; i < modules.size(); ++i)
        names[i] = module_name(modules[i].command_line);

    const std::string_view file = module_name(module->command_line);
    format(console, "Configuration: {}\n", file);
    PrintingDiagnostics diagnostics(console);
    parse_config(module->contents, file, config, diagnostics);
    check_boot_modules(config, std::span(names).first(modules.size()), diagnostics);
    format(console, "VMs: {} configured, {} usable\n", config.vm_count, config.usable_vm_count());
    print_vms(console, config);
    return true;
}

} // namespace realvm::config
