// Control registers, MSRs, CPUID, and the other privileged instructions the monitor executes.
// This header is the narrow privileged interface of DESIGN §11: the portable core never includes it.
#pragma once

#include "base/types.hpp"

namespace realvm::arch {

struct CpuidResult {
    u32 eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline u64 read_cr0() {
    u64 v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
inline u64 read_cr2() {
    u64 v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline u64 read_cr3() {
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
inline u64 read_cr4() {
    u64 v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (u64(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" ::"c"(msr), "a"(u32(v)), "d"(u32(v >> 32)) : "memory");
}

inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64(hi) << 32) | lo;
}

inline void invlpg(u64 va) { asm volatile("invlpg (%0)" ::"r"(va) : "memory"); }
inline void cli() { asm volatile("cli" ::: "memory"); }
inline void sti() { asm volatile("sti" ::: "memory"); }
inline void hlt() { asm volatile("hlt" ::: "memory"); }
inline void pause() { asm volatile("pause"); }
// Waits for the next interrupt with interrupts enabled; `sti; hlt` cannot lose a wakeup (STI shadow).
inline void sti_hlt() { asm volatile("sti; hlt" ::: "memory"); }

[[noreturn]] inline void halt_forever() {
    for (;;)
        asm volatile("cli; hlt");
}

inline u64 read_rflags() {
    u64 v;
    asm volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

namespace msr {
constexpr u32 efer = 0xC0000080;
constexpr u32 star = 0xC0000081;
constexpr u32 lstar = 0xC0000082;
constexpr u32 fs_base = 0xC0000100;
constexpr u32 gs_base = 0xC0000101;
constexpr u32 kernel_gs_base = 0xC0000102;
constexpr u32 apic_base = 0x1B;
constexpr u32 platform_info = 0xCE;
} // namespace msr

} // namespace realvm::arch
