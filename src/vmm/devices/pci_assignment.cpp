#include "vmm/devices/pci_assignment.hpp"

#include "base/format.hpp"

namespace realvm::devices {

std::optional<std::string_view> PciAssignmentTable::owner(PciAddress address) const {
    for (usize i = 0; i < used_; ++i) {
        if (entries_[i].address == address) return entries_[i].name();
    }
    return std::nullopt;
}

bool PciAssignmentTable::is_assigned_to(PciAddress address, std::string_view vm) const {
    const auto current = owner(address);
    return current && *current == vm.substr(0, max_name);
}

bool PciAssignmentTable::assign(std::string_view vm, PciAddress address, Sink& error) {
    char text[8];
    address.format(text);
    vm = vm.substr(0, max_name);
    if (const auto current = owner(address)) {
        if (*current == vm) return true;
        format(error, "pci {} is already given to VM \"{}\"; VM \"{}\" cannot have it", text, *current, vm);
        return false;
    }
    if (used_ == capacity) {
        format(error, "pci {}: too many assigned devices (at most {})", text, capacity);
        return false;
    }
    Entry& entry = entries_[used_++];
    entry.address = address;
    for (usize i = 0; i < vm.size(); ++i)
        entry.vm[i] = vm[i];
    entry.name_length = u8(vm.size());
    return true;
}

} // namespace realvm::devices
