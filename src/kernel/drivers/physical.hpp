// Reaching physical memory from the monitor: firmware tables, the VGA text buffer, device registers.
#pragma once

#include "base/types.hpp"

namespace realvm::kernel::drivers {

// The boot page tables map physical 0..4 GiB at this base (boot.S, DESIGN §3). Drivers reach
// firmware tables and legacy MMIO below 4 GiB through it.
constexpr u64 physical_window = 0xffff800000000000;
constexpr u64 physical_window_size = 4 * GiB;

template <typename T>
T* physical_pointer(HostPhys address) {
    return reinterpret_cast<T*>(physical_window + address.value());
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
