#include "kernel/drivers/drivers.hpp"

#include "base/format.hpp"
#include "kernel/drivers/ata.hpp"
#include "kernel/drivers/pci.hpp"

namespace realvm::kernel::drivers {

void init_all() {
    pci().enumerate();
    ata().probe(); // after the PCI scan: native-mode IDE channels come from the PCI table
}

void report(Sink& out) {
    pci().report(out);
    ata().report(out);
}

bool is_debug_option(std::string_view name) { return name == "ata-selftest"; }

void run_debug_options(std::string_view command_line, Sink& out) {
    constexpr std::string_view prefix = "debug=";
    while (!command_line.empty()) {
        const usize space = command_line.find(' ');
        const std::string_view word = command_line.substr(0, space);
        command_line = space == std::string_view::npos ? std::string_view{} : command_line.substr(space + 1);
        if (!word.starts_with(prefix)) continue;
        const std::string_view name = word.substr(prefix.size());
        if (name == "ata-selftest") ata_selftest(out);
    }
}

} // namespace realvm::kernel::drivers
