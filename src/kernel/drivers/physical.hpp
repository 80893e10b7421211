// Reaching physical memory from the monitor: firmware tables, the VGA text buffer, device registers.
#pragma once

#include "base/types.hpp"
#include "kernel/direct_map.hpp"

namespace realvm::kernel::drivers {

// Below 4 GiB the direct map covers everything: RAM write-back, the holes (legacy VGA window, BIOS
// ROM, LAPIC/IOAPIC, PCI BARs) uncached (paging.hpp). Firmware tables and the legacy devices the
// drivers use all lie there; a register above 4 GiB would need map_mmio() first.
constexpr u64 physical_window_size = 4 * GiB;

template <typename T>
T* physical_pointer(HostPhys address) {
    return phys_ptr<T>(address);
}

inline bool physically_reachable(HostPhys address, u64 length) {
    return address.value() < physical_window_size && length <= physical_window_size - address.value();
}

// Device registers: every access must reach the device, in program order.
template <typename T>
T mmio_read(HostPhys address) {
    return *physical_pointer<volatile T>(address);
}
template <typename T>
void mmio_write(HostPhys address, T value) {
    *physical_pointer<volatile T>(address) = value;
}

} // namespace realvm::kernel::drivers
