#include "vmm/config/vm_settings.hpp"

#include "vmm/config/boot_modules.hpp"
#include "vmm/config/size.hpp"

namespace realvm::config {
namespace {

constexpr bool has_space(std::string_view text) {
    return text.find_first_of(" \t") != std::string_view::npos;
}

// "ata0".."ata3" -> 0..3; another "ataN" -> max_ata_disks; anything else -> -1 (a file).
int ata_disk_number(std::string_view text) {
    if (text.size() < 4 || text.substr(0, 3) != "ata") return -1;
    u32 n = 0;
    for (char c : text.substr(3)) {
        if (c < '0' || c > '9') return -1;
        n = n < 1000 ? n * 10 + static_cast<u32>(c - '0') : n;
    }
    return n < max_ata_disks ? static_cast<int>(n) : max_ata_disks;
}

} // namespace

void VmSettings::apply(VmConfig& vm, Key key, std::string_view name, std::string_view value, u32 line) {
    line_number_ = line;
    const Setting setting{value, line_number_};
    switch (key) {
    case Key::memory: memory(vm, value); return;
    case Key::kernel:
        if (file(vm, name, value)) vm.kernel = setting;
        return;
    case Key::initrd:
        if (file(vm, name, value)) vm.initrd = setting;
        return;
    case Key::cmdline: vm.cmdline = setting; return;
    case Key::disk: disk(vm, setting); return;
    case Key::pci: pci_list(vm, value); return;
    case Key::on_reboot: on_reboot(vm, value); return;
    case Key::cpus: cpus(vm, value); return;
    case Key::gdb:
        vm.gdb = setting;
        report_.warning(line_number_, name,
                        "the GDB stub is not available yet (the setting is kept but has no effect)");
        return;
    case Key::focus: return; // global, handled by the caller
    }
}

void VmSettings::memory(VmConfig& vm, std::string_view value) {
    const SizeResult size = parse_size(value);
    if (!size.ok && size.error == SizeError::not_a_size) {
        report_.error(&vm, line_number_, "memory", "\"{}\" is not a size (use e.g. 256M)", value);
    } else if (!size.ok || size.bytes > max_vm_memory) {
        report_.error(&vm, line_number_, "memory", "\"{}\" is more than the 64G a VM can have", value);
    } else if (size.bytes < min_vm_memory) {
        report_.error(&vm, line_number_, "memory", "\"{}\" is less than the 1M a VM needs (use e.g. 16M)",
                      value);
    } else if (size.bytes % page_size != 0) {
        report_.error(&vm, line_number_, "memory", "\"{}\" is not a multiple of 4K (use e.g. 16M)", value);
    } else {
        vm.memory_bytes = size.bytes;
    }
}

// A boot module name or path: no space in the file name (a module's command line is "NAME WORDS"), and
// no other file of the same name (modules are matched by name). Directories may have spaces.
bool VmSettings::file(VmConfig& vm, std::string_view key, std::string_view value) {
    if (has_space(basename(value))) {
        report_.error(&vm, line_number_, key,
                      "\"{}\" contains a space (boot module names cannot; rename the file)", value);
        return false;
    }
    for (const VmConfig& other : config_.vms()) {
        for (const Setting* s : std::array{&other.kernel, &other.initrd, &other.disk}) {
            if (s->given() && s->value != value && basename(s->value) == basename(value) &&
                !(s == &other.disk && other.ata_disk >= 0)) {
                report_.error(&vm, line_number_, key,
                              "\"{}\" has the same file name as \"{}\" on line {} (boot modules are matched "
                              "by file name; rename one)",
                              value, s->value, s->line);
                return false;
            }
        }
    }
    return true;
}

void VmSettings::disk(VmConfig& vm, const Setting& setting) {
    const int ata = ata_disk_number(setting.value);
    if (ata == max_ata_disks) {
        report_.error(&vm, line_number_, "disk", "\"{}\" is not a disk (real disks are ata0 to ata3)",
                      setting.value);
        return;
    }
    if (ata < 0 && !file(vm, "disk", setting.value)) return;
    vm.ata_disk = ata;
    vm.disk = setting;
}

void VmSettings::pci_list(VmConfig& vm, std::string_view list) {
    while (!list.empty()) {
        const usize start = list.find_first_not_of(", \t");
        if (start == std::string_view::npos) break;
        list.remove_prefix(start);
        const usize end = list.find_first_of(", \t");
        const std::string_view item = list.substr(0, end);
        list.remove_prefix(item.size());
        if (!pci_device(vm, item)) return;
    }
}

bool VmSettings::pci_device(VmConfig& vm, std::string_view text) {
    const PciParseResult parsed = parse_pci_address(text);
    switch (parsed.error) {
    case PciParseError::none: break;
    case PciParseError::malformed:
        report_.error(&vm, line_number_, "pci", "\"{}\" is not a PCI address (use BUS:DEV.FN, e.g. 00:03.0)",
                      text);
        return false;
    case PciParseError::bus_too_large:
        report_.error(&vm, line_number_, "pci", "\"{}\": bus {:x} is above ff", text, parsed.bad_value);
        return false;
    case PciParseError::device_too_large:
        report_.error(&vm, line_number_, "pci", "\"{}\": device {:x} is above 1f", text, parsed.bad_value);
        return false;
    case PciParseError::function_too_large:
        report_.error(&vm, line_number_, "pci", "\"{}\": function {:x} is above 7", text, parsed.bad_value);
        return false;
    }
    for (const VmConfig& other : config_.vms()) {
        for (const PciAddress& a : other.pci()) {
            if (a != parsed.address) continue;
            if (&other == &vm) {
                report_.error(&vm, line_number_, "pci", "{} is listed twice (keep one)", text);
            } else {
                report_.error(&vm, line_number_, "pci", "{} is already given to vm \"{}\" (line {})", text,
                              other.name, other.line);
            }
            return false;
        }
    }
    if (vm.pci_count == max_pci_devices) {
        report_.error(&vm, line_number_, "pci", "more than {} devices (a VM can have at most {})",
                      max_pci_devices, max_pci_devices);
        return false;
    }
    vm.pci_devices[vm.pci_count++] = parsed.address;
    return true;
}

void VmSettings::on_reboot(VmConfig& vm, std::string_view value) {
    if (value == "restart") {
        vm.on_reboot = OnReboot::restart;
    } else if (value == "stop") {
        vm.on_reboot = OnReboot::stop;
    } else {
        report_.error(&vm, line_number_, "on_reboot", "\"{}\" is not a choice (use restart or stop)", value);
    }
}

void VmSettings::cpus(VmConfig& vm, std::string_view value) {
    const SizeResult number = parse_size(value);
    const bool plain = value.find_first_not_of("0123456789") == std::string_view::npos;
    if (!plain || !number.ok) {
        report_.error(&vm, line_number_, "cpus", "\"{}\" is not a number (use cpus = 1)", value);
    } else if (number.bytes != max_vm_cpus) {
        report_.error(&vm, line_number_, "cpus", "{}: only 1 CPU per VM is supported for now (use cpus = 1)",
                      value);
    } else {
        vm.cpus = static_cast<u32>(number.bytes);
    }
}

} // namespace realvm::config
