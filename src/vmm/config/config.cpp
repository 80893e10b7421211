#include "vmm/config/config.hpp"

namespace realvm::config {

usize Config::usable_vm_count() const {
    usize count = 0;
    for (const VmConfig& vm : vms())
        count += vm.skipped ? 0 : 1;
    return count;
}

const VmConfig* Config::find_vm(std::string_view name) const {
    for (const VmConfig& vm : vms()) {
        if (!vm.skipped && vm.name == name) return &vm;
    }
    return nullptr;
}

} // namespace realvm::config
