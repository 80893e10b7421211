// Which VM owns which real PCI function: built from every VM's `pci =` list before any VM starts, so
// a device given to two VMs is refused with a message naming both.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "base/sink.hpp"
#include "base/types.hpp"
#include "vmm/devices/pci_address.hpp"

namespace realvm::devices {

class PciAssignmentTable {
  public:
    static constexpr usize capacity = 64;
    static constexpr usize max_name = 31;

    // Gives `address` to `vm`. False, with the reason written to `error`, if another VM has it or the
    // table is full. Asking again for the same VM is fine.
    bool assign(std::string_view vm, PciAddress address, Sink& error);
    std::optional<std::string_view> owner(PciAddress address) const;
    bool is_assigned_to(PciAddress address, std::string_view vm) const;
    usize size() const { return used_; }

  private:
    struct Entry {
        PciAddress address;
        std::array<char, max_name + 1> vm{};
        u8 name_length = 0;
        std::string_view name() const { return {vm.data(), name_length}; }
    };
    std::array<Entry, capacity> entries_{};
    usize used_ = 0;
};

} // namespace realvm::devices
