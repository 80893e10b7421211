// Parses realvm.cfg text (DESIGN §9) into a Config, reporting every problem to a Diagnostics.
//
// Syntax: `[vm NAME]` starts a VM; `[realvm]` (or anything before the first [vm]) holds global keys;
// `key = value` lines; `#` and `;` start a comment to the end of the line unless inside double quotes;
// a value wholly in double quotes loses them (cmdline = "root=/dev/sda1 # not a comment"); blank lines,
// spaces around `=` and CRLF line ends are fine. VM keys: memory, kernel, initrd, cmdline, disk, pci,
// on_reboot, cpus, gdb. Global keys: focus. Keys after a malformed section header are ignored.
#pragma once

#include <string_view>

#include "vmm/config/config.hpp"
#include "vmm/config/diagnostics.hpp"

namespace realvm::config {

// Fills `config` (which must be freshly constructed) from `text`; `file` names the text in diagnostics.
// Returns the number of errors. Valid VMs are kept whatever else is wrong.
u32 parse_config(std::string_view text, std::string_view file, Config& config, Diagnostics& diagnostics);

} // namespace realvm::config
