#include "vmm/config/summary.hpp"

#include "base/format.hpp"

namespace realvm::config {

void print_size(Sink& sink, u64 bytes) {
    constexpr std::string_view units = "KMGT";
    usize unit = 0;
    while (bytes != 0 && bytes % KiB == 0 && unit < units.size()) {
        bytes /= KiB;
        ++unit;
    }
    if (unit == 0) {
        format(sink, "{}", bytes);
    } else {
        format(sink, "{}{}", bytes, units[unit - 1]);
    }
}

void print_vm_summary(Sink& sink, std::string_view file, const VmConfig& vm) {
    if (vm.skipped) {
        format(sink, "vm \"{}\" skipped: {}:{}: {}", vm.name, file, vm.skip_line, vm.skip_reason());
        return;
    }
    format(sink, "vm \"{}\": ", vm.name);
    print_size(sink, vm.memory_bytes);
    if (vm.kernel.given()) format(sink, ", kernel {}", vm.kernel.value);
    if (vm.initrd.given()) format(sink, ", initrd {}", vm.initrd.value);
    if (vm.kernel.given() && vm.cmdline.given()) format(sink, ", cmdline \"{}\"", vm.cmdline.value);
    if (vm.disk.given()) format(sink, ", disk {}", vm.disk.value);
    if (vm.pci_count != 0) {
        format(sink, ", pci");
        for (const PciAddress& a : vm.pci())
            format(sink, " {:02x}:{:02x}.{}", a.bus, a.device, a.function);
    }
    if (vm.on_reboot == OnReboot::stop) format(sink, ", on_reboot stop");
    if (vm.gdb.given()) format(sink, ", gdb {}", vm.gdb.value);
}

} // namespace realvm::config
