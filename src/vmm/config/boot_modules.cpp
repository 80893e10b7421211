#include "vmm/config/boot_modules.hpp"

#include "vmm/config/line.hpp"
#include "vmm/config/reporter.hpp"

namespace realvm::config {
namespace {

std::string_view first_word(std::string_view text) {
    text = trim(text);
    const usize end = text.find_first_of(" \t");
    return end == std::string_view::npos ? text : text.substr(0, end);
}

void check_file(Reporter& reporter, VmConfig& vm, std::string_view key, const Setting& setting,
                std::span<const std::string_view> module_names) {
    if (!setting.given() || find_module(module_names, setting.value) >= 0) return;
    reporter.error(&vm, setting.line, key,
                   "no boot module named \"{}\" (the launcher passes every file the configuration names; "
                   "with GRUB add a module2 line)",
                   basename(setting.value));
}

} // namespace

std::string_view basename(std::string_view path) {
    const usize slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view module_name(std::string_view module_command_line) {
    return basename(first_word(module_command_line));
}

bool is_config_module(std::string_view module_command_line) {
    std::string_view rest = trim(module_command_line);
    rest.remove_prefix(first_word(rest).size());
    for (rest = trim(rest); !rest.empty(); rest = trim(rest)) {
        const std::string_view word = first_word(rest);
        if (word == "config") return true;
        rest.remove_prefix(word.size());
    }
    return false;
}

int find_module(std::span<const std::string_view> module_names, std::string_view configured_file) {
    const std::string_view wanted = basename(configured_file);
    for (usize i = 0; i < module_names.size(); ++i) {
        if (basename(module_names[i]) == wanted) return static_cast<int>(i);
    }
    return -1;
}

usize check_boot_modules(Config& config, std::span<const std::string_view> module_names,
                         Diagnostics& diagnostics) {
    Reporter reporter(config, diagnostics);
    usize skipped = 0;
    for (VmConfig& vm : config.vms()) {
        if (vm.skipped) continue;
        check_file(reporter, vm, "kernel", vm.kernel, module_names);
        check_file(reporter, vm, "initrd", vm.initrd, module_names);
        if (vm.has_disk_file()) check_file(reporter, vm, "disk", vm.disk, module_names);
        skipped += vm.skipped ? 1 : 0;
    }
    return skipped;
}

} // namespace realvm::config
