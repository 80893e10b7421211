// The monitor image's sections, as placed by monitor.ld.
#pragma once

#include "base/types.hpp"
#include "kernel/boot_info.hpp"
#include "kernel/direct_map.hpp"

extern "C" {
extern char monitor_image_start[], monitor_image_end[];
extern char monitor_text_start[], monitor_text_end[];
extern char monitor_rodata_start[], monitor_rodata_end[];
extern char monitor_data_start[], monitor_data_end[];
extern char monitor_bss_start[], monitor_bss_end[];
}

namespace realvm::kernel {

struct ImageSection {
    const char* start;
    const char* end;
    u64 size() const { return static_cast<u64>(end - start); }
    PhysRange phys() const { return {phys_of(start), size()}; }
};

inline ImageSection image_whole() { return {monitor_image_start, monitor_image_end}; }
inline ImageSection image_text() { return {monitor_text_start, monitor_text_end}; }
inline ImageSection image_rodata() { return {monitor_rodata_start, monitor_rodata_end}; }
inline ImageSection image_data() { return {monitor_data_start, monitor_data_end}; }
inline ImageSection image_bss() { return {monitor_bss_start, monitor_bss_end}; }

} // namespace realvm::kernel
