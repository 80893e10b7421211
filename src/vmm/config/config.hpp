// The parsed realvm.cfg (DESIGN §9): what each VM gets and the monitor's global settings.
//
// No heap: every string is a view into the caller's configuration text, which must outlive the Config,
// and the lists have fixed capacities:
//   - at most max_vms (16) [vm NAME] sections; further sections are reported and ignored;
//   - at most max_pci_devices (8) PCI functions per VM;
//   - VM names of at most max_vm_name_length (16) characters: letters, digits, '-', '_', '.'.
//
// Rules worth knowing (each has a unit test):
//   - memory defaults to default_vm_memory (64M); it must be 1M..64G and a multiple of 4K;
//   - a VM needs kernel = FILE (Linux boot protocol) or disk = FILE|ata0..ata3 (BIOS boot from the disk);
//     with both, the kernel boots and the disk is attached as the VM's first hard disk;
//   - initrd needs a kernel (error), cmdline without a kernel is ignored (warning);
//   - pci may be given on several lines, the lists add up; a device can belong to one VM only;
//   - a VM with any error is kept in the list but marked skipped, with the first error as its reason.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "base/types.hpp"
#include "vmm/config/pci_address.hpp"

namespace realvm::config {

constexpr usize max_vms = 16;
constexpr usize max_pci_devices = 8;
constexpr usize max_vm_name_length = 16;
constexpr u64 default_vm_memory = 64 * MiB;
constexpr u64 min_vm_memory = 1 * MiB;
constexpr u64 max_vm_memory = 64 * GiB;
constexpr u32 max_vm_cpus = 1;
constexpr u8 max_ata_disks = 4; // ata0..ata3: primary/secondary channel, master/slave

enum class OnReboot : u8 {
    restart, // the guest's reboot resets the VM and boots it again
    stop,    // the guest's reboot stops the VM
};

// One `key = value` as written, with the line it is on (line 0: not given).
struct Setting {
    std::string_view value;
    u32 line = 0;
    constexpr bool given() const { return line != 0; }
};

struct VmConfig {
    std::string_view name;
    u32 line = 0; // of the [vm NAME] header

    u64 memory_bytes = default_vm_memory;
    Setting kernel; // a boot module name or (for the launcher) a path
    Setting initrd;
    Setting cmdline;   // the rest of the line, outer quotes removed
    Setting disk;      // a file, or a real disk when ata_disk is set
    Setting gdb;       // reserved: kept, not used yet
    int ata_disk = -1; // 0..3 for disk = ata0..ata3, -1 otherwise
    OnReboot on_reboot = OnReboot::restart;
    u32 cpus = 1;

    std::array<PciAddress, max_pci_devices> pci_devices{};
    usize pci_count = 0;

    bool skipped = false;
    u32 skip_line = 0;            // where the first error is
    char skip_reason_text[128]{}; // the first error, "SUBJECT: MESSAGE"

    bool has_disk_file() const { return disk.given() && ata_disk < 0; }
    std::span<const PciAddress> pci() const { return {pci_devices.data(), pci_count}; }
    std::string_view skip_reason() const { return skip_reason_text; }
};

struct Config {
    std::string_view file; // the name diagnostics use
    std::array<VmConfig, max_vms> vm_slots{};
    usize vm_count = 0;
    Setting focus; // [realvm] focus = NAME: the VM that has the keyboard first
    u32 errors = 0;
    u32 warnings = 0;

    // Every VM in file order, the skipped ones included (check VmConfig::skipped).
    std::span<VmConfig> vms() { return {vm_slots.data(), vm_count}; }
    std::span<const VmConfig> vms() const { return {vm_slots.data(), vm_count}; }
    usize usable_vm_count() const;
    const VmConfig* find_vm(std::string_view name) const; // the first usable VM of that name
};

} // namespace realvm::config
