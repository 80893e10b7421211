// The direct map: every physical address p is visible to the monitor at direct_map_base + p
// (DESIGN §3: PML4 slot 256). boot.S sets this up for 0..4 GiB; paging.cpp for all RAM up to 512 GiB.
// The monitor image itself is linked at its direct-map address, so it needs no second mapping.
#pragma once

#include "base/types.hpp"

namespace realvm::kernel {

constexpr u64 direct_map_base = 0xffff800000000000;
constexpr u64 direct_map_size = 512 * GiB; // one PML4 slot

constexpr HostVirt phys_to_virt(HostPhys p) { return HostVirt(direct_map_base + p.value()); }
// Only for addresses inside the direct map (which includes the monitor image).
constexpr HostPhys virt_to_phys(HostVirt v) { return HostPhys(v.value() - direct_map_base); }

template <typename T>
T* phys_ptr(HostPhys p) {
    return reinterpret_cast<T*>(phys_to_virt(p).value());
}
template <typename T>
HostPhys phys_of(const T* pointer) {
    return virt_to_phys(HostVirt(reinterpret_cast<u64>(pointer)));
}

} // namespace realvm::kernel
