// What the CPU offers that RealVM cares about (Intel SDM vol. 2A, CPUID; AMD APM vol. 3, appendix E).
// Only reported here; the policy (CR4.UMIP for guests, PCID for the two shadow views) comes later.
#pragma once

#include "base/types.hpp"
#include "kernel/boot_info.hpp"

namespace realvm::kernel {

struct CpuFeatures {
    BootString<12> vendor;
    BootString<48> brand;
    u32 family = 0, model = 0, stepping = 0;
    bool umip = false, pcid = false, nx = false, smep = false, smap = false, fsgsbase = false, la57 = false;
    bool pages_1g = false, pge = false;
    bool cpuid_faulting = false; // Intel: MSR_PLATFORM_INFO[31]
    bool svm = false, vmx = false;
};

// Reads CPUID (and probes MSR_PLATFORM_INFO with a #GP fixup: needs the IDT loaded).
void detect_cpu_features();
const CpuFeatures& cpu_features();
void report_cpu_features();

} // namespace realvm::kernel
