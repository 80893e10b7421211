// One line per VM for the boot report and the host tool, so both describe a configuration the same way:
//   vm "linux": 256M, kernel bzImage, initrd initrd.gz, cmdline "console=ttyS0", pci 00:03.0
//   vm "dos" skipped: realvm.cfg:7: nothing to boot (add kernel = FILE or disk = FILE)
#pragma once

#include "base/sink.hpp"
#include "vmm/config/config.hpp"

namespace realvm::config {

// "1G", "256M", "640K" or plain bytes: the largest binary unit that divides the size.
void print_size(Sink& sink, u64 bytes);

// The line above, without a newline; `file` is the configuration's name for the skip reason.
void print_vm_summary(Sink& sink, std::string_view file, const VmConfig& vm);

} // namespace realvm::config
