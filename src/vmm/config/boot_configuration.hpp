// The monitor's whole configuration step in one call: find the boot module marked `config`, parse it,
// check the files its VMs name against the other modules, and print the outcome for the boot report:
//
//   Configuration: demo.cfg, 3 VMs (2 usable)
//   demo.cfg:9: memory: "lots" is not a size (use e.g. 256M)      <- every diagnostic, as it is found
//     vm "linux": 256M, kernel bzImage, initrd initrd.gz, cmdline "console=ttyS0"
//     vm "dos" skipped: demo.cfg:9: memory: "lots" is not a size (use e.g. 256M)
//
// The Config keeps views into the modules' contents, which must stay mapped while it is used.
#pragma once

#include <span>
#include <string_view>

#include "base/sink.hpp"
#include "vmm/config/config.hpp"

namespace realvm::config {

struct BootModuleText {
    std::string_view command_line; // "PATH [WORDS...]" (QEMU) or "NAME [WORDS...]" (GRUB)
    std::string_view contents;     // the module's bytes
};

// More modules than this are not matched (the names live on the stack).
constexpr usize max_boot_modules = 64;

// Returns false (after saying so on the console) if no module is marked `config`.
bool load_boot_configuration(std::span<const BootModuleText> modules, Config& config, Sink& console);

} // namespace realvm::config
