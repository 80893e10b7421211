// Matching the files a configuration names to the boot modules the monitor was given.
//
// A module's command line is "PATH [WORDS...]" (QEMU -initrd) or "NAME [WORDS...]" (the grub.cfg that
// ./realvm iso writes); its name is the basename of the first word. A configured file matches a module
// with the same basename, so `kernel = images/bzImage` (a path, for the launcher) finds module "bzImage".
#pragma once

#include <span>
#include <string_view>

#include "vmm/config/config.hpp"
#include "vmm/config/diagnostics.hpp"

namespace realvm::config {

// "a/b/c" -> "c", "c" -> "c".
std::string_view basename(std::string_view path);

// The module's name: the basename of the first word of its command line.
std::string_view module_name(std::string_view module_command_line);

// True if the command line carries the word `config` after the path (marks the configuration file).
bool is_config_module(std::string_view module_command_line);

// The index in `module_names` of the module a configured file refers to, or -1.
int find_module(std::span<const std::string_view> module_names, std::string_view configured_file);

// Checks kernel, initrd and disk (not ata0..3) of every usable VM against the module names; reports
// `kernel: no boot module named "bzImage" (...)` on the setting's line and marks that VM skipped.
// Returns the number of VMs skipped.
usize check_boot_modules(Config& config, std::span<const std::string_view> module_names,
                         Diagnostics& diagnostics);

} // namespace realvm::config
