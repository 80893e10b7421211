/* lm_cr4_protection: the CR4 protections Linux turns on when the CPU offers them. SMEP (CR4 bit 20)
   and SMAP (bit 21) with STAC/CLAC (Intel SDM Vol. 3A §5.6.1), and UMIP (bit 11), which makes
   SGDT/SIDT/SLDT/STR/SMSW fault at CPL > 0 (§2.5). A monitor that deprivileges this kernel must
   present the same features in CPUID and honour them for the guest; if it hides one, the first line
   differs and the guest prints the rest as "not offered". */
#include "guest.h"

#define CR4_UMIP (1ul << 11)
#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)
#define USER_WINDOW 0x01000000ul /* 16 MiB: a user-accessible 2-MiB page of arch_init's map */

static void user_umip(void) {
    u8 buf[16];
    u16 sel;
    TRY("sgdt [%0]", ::"r"(buf) : "memory");
    fault_expect("user sgdt, umip", 13, 0);
    TRY("sidt [%0]", ::"r"(buf) : "memory");
    fault_expect("user sidt, umip", 13, 0);
    TRY("sldt %0", : "=r"(sel)::"memory");
    fault_expect("user sldt, umip", 13, 0);
    TRY("str %0", : "=r"(sel)::"memory");
    fault_expect("user str, umip", 13, 0);
    TRY("smsw %0", : "=r"(sel)::"memory");
    fault_expect("user smsw, umip", 13, 0);
}

static void user_no_umip(void) {
    u8 buf[16];
    TRY("sgdt [%0]", ::"r"(buf) : "memory");
    fault_expect("user sgdt, no umip", -1, 0);
    TRY("stac", ::: "memory");
    fault_expect("user stac", 6, 0);
    TRY("clac", ::: "memory");
    fault_expect("user clac", 6, 0);
}

static void kernel_only_low_memory(bool kernel_only) {
    for (int i = 0; i < 2; i++)
        lm_pd[i] = kernel_only ? (lm_pd[i] & ~4ull) : (lm_pd[i] | 4);
    write_cr3(read_cr3());
}

void guest_main(void) {
    print("lm_cr4_protection: start\n");
    u32 a, b, c, d;
    cpuid(7, 0, &a, &b, &c, &d);
    bool smep = (b >> 7) & 1, smap = (b >> 20) & 1, umip = (c >> 2) & 1;
    print("cpuid 7: smep %u smap %u umip %u\n", smep, smap, umip);
    volatile u8* user_code = (volatile u8*)USER_WINDOW;
    volatile u32* user_data = (volatile u32*)(USER_WINDOW + 0x1000);
    user_code[0] = 0xc3; /* ret */
    *user_data = 0x5a5a;
    kernel_only_low_memory(true); /* the kernel's own pages must be supervisor pages under SMEP */

    if (smep) {
        write_cr4(read_cr4() | CR4_SMEP);
        fault_cr2_expected = USER_WINDOW;
        TRY("jmp %0", ::"r"(user_code) : "memory"); /* jmp: a faulting call would leave its push */
        fault_expect("smep: kernel jump into a user page", 14, 0x11);
        fault_cr2_expected = 0;
        write_cr4(read_cr4() & ~CR4_SMEP);
        TRY("call %0", ::"r"(user_code) : "memory");
        fault_expect("no smep: kernel call into a user page", -1, 0);
    } else {
        print("smep: not offered\n");
    }

    if (smap) {
        write_cr4(read_cr4() | CR4_SMAP);
        asm volatile("clac" ::: "memory");
        fault_cr2_expected = (uptr)user_data;
        TRY("mov eax, [%0]", ::"r"(user_data) : "eax", "memory");
        fault_expect("smap: kernel read of a user page, ac 0", 14, 1);
        TRY("mov dword ptr [%0], 1", ::"r"(user_data) : "memory");
        fault_expect("smap: kernel write to a user page, ac 0", 14, 3);
        fault_cr2_expected = 0;
        u32 v = 0;
        TRY("stac\n mov %0, [%1]\n clac", : "=&r"(v) : "r"(user_data) : "memory");
        fault_expect("smap: kernel read of a user page inside stac/clac", -1, 0);
        print("smap: value read %x\n", v);
        write_cr4(read_cr4() & ~CR4_SMAP);
    } else {
        print("smap: not offered\n");
    }
    kernel_only_low_memory(false);

    iomap_allow_console();
    if (umip) {
        write_cr4(read_cr4() | CR4_UMIP);
        u8 buf[16];
        TRY("sgdt [%0]", ::"r"(buf) : "memory");
        fault_expect("kernel sgdt, umip", -1, 0);
        run_user(user_umip, 0x2);
        write_cr4(read_cr4() & ~CR4_UMIP);
    } else {
        print("umip: not offered\n");
    }
    run_user(user_no_umip, 0x2);
}
