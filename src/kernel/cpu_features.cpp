#include "kernel/cpu_features.hpp"

#include "arch/x86_64/cpu.hpp"
#include "arch/x86_64/fault_fixup.hpp"
#include "kernel/log.hpp"

namespace realvm::kernel {

namespace {

CpuFeatures features;

bool bit(u32 value, unsigned n) { return (value >> n) & 1; }

void append_register(char* out, u32 value) {
    for (unsigned i = 0; i < 4; ++i)
        out[i] = static_cast<char>(value >> (8 * i));
}

std::string_view trimmed(const char* text, usize length) {
    std::string_view s(text, length);
    while (!s.empty() && (s.front() == ' '))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0'))
        s.remove_suffix(1);
    return s;
}

} // namespace

void detect_cpu_features() {
    using arch::cpuid;
    const arch::CpuidResult leaf0 = cpuid(0);
    char vendor[12];
    append_register(vendor, leaf0.ebx), append_register(vendor + 4, leaf0.edx),
        append_register(vendor + 8, leaf0.ecx);
    features.vendor.assign({vendor, 12});

    // Leaf 1 EAX: stepping 3:0, model 7:4, family 11:8, extended model 19:16, extended family 27:20;
    // the displayed family/model add the extended fields for family 0Fh (and model for family 06h).
    const arch::CpuidResult leaf1 = cpuid(1);
    const u32 base_family = (leaf1.eax >> 8) & 0xF;
    features.stepping = leaf1.eax & 0xF;
    features.family = base_family == 0xF ? base_family + ((leaf1.eax >> 20) & 0xFF) : base_family;
    features.model = (leaf1.eax >> 4) & 0xF;
    if (base_family == 0x6 || base_family == 0xF) features.model |= ((leaf1.eax >> 16) & 0xF) << 4;
    features.pcid = bit(leaf1.ecx, 17);
    features.vmx = bit(leaf1.ecx, 5);
    features.pge = bit(leaf1.edx, 13);

    if (leaf0.eax >= 7) {
        const arch::CpuidResult leaf7 = cpuid(7, 0);
        features.fsgsbase = bit(leaf7.ebx, 0);
        features.smep = bit(leaf7.ebx, 7);
        features.smap = bit(leaf7.ebx, 20);
        features.umip = bit(leaf7.ecx, 2);
        features.la57 = bit(leaf7.ecx, 16);
    }

    const u32 max_extended = cpuid(0x80000000).eax;
    if (max_extended >= 0x80000001) {
        const arch::CpuidResult ext1 = cpuid(0x80000001);
        features.svm = bit(ext1.ecx, 2);
        features.nx = bit(ext1.edx, 20);
        features.pages_1g = bit(ext1.edx, 26);
    }
    if (max_extended >= 0x80000004) {
        char brand[48];
        for (u32 i = 0; i < 3; ++i) {
            const arch::CpuidResult r = cpuid(0x80000002 + i);
            append_register(brand + 16 * i, r.eax), append_register(brand + 16 * i + 4, r.ebx);
            append_register(brand + 16 * i + 8, r.ecx), append_register(brand + 16 * i + 12, r.edx);
        }
        features.brand.assign(trimmed(brand, sizeof brand));
    }

    // CPUID faulting (Intel SDM vol. 4, MSR_PLATFORM_INFO bit 31 "CPUID faulting supported"): the MSR
    // is model-specific, so read it under a #GP fixup. (AMD's equivalent, CpuidUserDis, is
    // CPUID Fn8000_0021 EAX bit 17.)
    if (const std::optional<u64> info = arch::rdmsr_safe(arch::msr::platform_info))
        features.cpuid_faulting = (*info >> 31) & 1;
    if (max_extended >= 0x80000021 && bit(cpuid(0x80000021).eax, 17)) features.cpuid_faulting = true;
}

const CpuFeatures& cpu_features() { return features; }

void report_cpu_features() {
    const CpuFeatures& f = features;
    log("CPU: {} family 0x{:02x} model 0x{:02x} stepping {} \"{}\"\n", f.vendor.view(), f.family, f.model,
        f.stepping, f.brand.view());
    auto yn = [](bool b) { return b ? "yes" : "no"; };
    log("CPU features: UMIP {} PCID {} NX {} SMEP {} SMAP {} FSGSBASE {} LA57 {} CPUID-faulting {} SVM {} "
        "VMX {} "
        "1G-pages {}\n",
        yn(f.umip), yn(f.pcid), yn(f.nx), yn(f.smep), yn(f.smap), yn(f.fsgsbase), yn(f.la57),
        yn(f.cpuid_faulting), yn(f.svm), yn(f.vmx), yn(f.pages_1g));
}

} // namespace realvm::kernel
