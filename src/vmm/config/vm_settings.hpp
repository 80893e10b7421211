// The values of a [vm NAME] section's settings: sizes, files, disks, PCI lists, choices. Each setter checks
// its value, stores it in the VmConfig or reports what is wrong with it on the setting's line.
#pragma once

#include <string_view>

#include "vmm/config/config.hpp"
#include "vmm/config/keys.hpp"
#include "vmm/config/reporter.hpp"

namespace realvm::config {

class VmSettings {
  public:
    VmSettings(Config& config, Reporter& reporter) : config_(config), report_(reporter) {}

    // `name` is the key as written (for messages), `line` the line it is on.
    void apply(VmConfig& vm, Key key, std::string_view name, std::string_view value, u32 line);

  private:
    void memory(VmConfig& vm, std::string_view value);
    bool file(VmConfig& vm, std::string_view key, std::string_view value);
    void disk(VmConfig& vm, const Setting& setting);
    void pci_list(VmConfig& vm, std::string_view list);
    bool pci_device(VmConfig& vm, std::string_view text);
    void on_reboot(VmConfig& vm, std::string_view value);
    void cpus(VmConfig& vm, std::string_view value);

    Config& config_;
    Reporter& report_;
    u32 line_number_ = 0;
};

} // namespace realvm::config
