/* pm_nontrapping: the instructions that reveal privileged state without faulting at CPL > 0 on a
   CPU without UMIP (Robin & Irvine, "Analysis of the Intel Pentium's ability to support a secure
   virtual machine monitor", 2000; DESIGN §4): SGDT/SIDT/SLDT/STR/SMSW (SDM Vol. 3A §2.8: not
   privileged unless CR4.UMIP), PUSHF/POPF and IF/IOPL (SDM Vol. 2B "POPF"), MOV from CS/SS (the
   RPL shows the CPL), LAR/LSL/VERR/VERW (descriptor DPLs). Printed from ring 0 and from ring 3: a
   monitor that runs this kernel deprivileged must make every line match bare hardware. */
#include "guest.h"

static u64 segment(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xffffull) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

struct __attribute__((packed)) table_register {
    u16 limit;
    u32 base;
};

static const u16 probe_selectors[] = {SEL_KCODE, SEL_KDATA, SEL_UCODE32, SEL_UDATA,
                                      SEL_TSS,   0x40,      0x48,        0x80};

static void descriptor_probes(const char* who) {
    for (unsigned i = 0; i < sizeof(probe_selectors) / sizeof(probe_selectors[0]); i++) {
        u32 sel = probe_selectors[i], access = 0, limit = 0;
        u8 lar_ok, lsl_ok, readable, writable;
        asm volatile("lar %0, %w2\n setz %1" : "=r"(access), "=q"(lar_ok) : "r"(sel), "0"(0) : "cc");
        asm volatile("lsl %0, %w2\n setz %1" : "=r"(limit), "=q"(lsl_ok) : "r"(sel), "0"(0) : "cc");
        asm volatile("verr %w1\n setz %0" : "=q"(readable) : "r"(sel) : "cc");
        asm volatile("verw %w1\n setz %0" : "=q"(writable) : "r"(sel) : "cc");
        print("%s: sel %02x lar zf %u ar %08x lsl zf %u limit %08x verr %u verw %u\n", who, sel, lar_ok,
              lar_ok ? access & 0x00f0ff00 : 0, lsl_ok, lsl_ok ? limit : 0, readable, writable);
    }
}

static void probes(const char* who) {
    struct table_register gdtr, idtr;
    u16 ldtr, tr, msw, cs, ss;
    asm volatile("sgdt [%0]" ::"r"(&gdtr) : "memory");
    asm volatile("sidt [%0]" ::"r"(&idtr) : "memory");
    asm volatile("sldt %0" : "=r"(ldtr));
    asm volatile("str %0" : "=r"(tr));
    asm volatile("smsw %0" : "=r"(msw));
    asm volatile("mov %0, cs" : "=r"(cs));
    asm volatile("mov %0, ss" : "=r"(ss));
    print("%s: sgdt limit %x base is the guest gdt %u\n", who, gdtr.limit, gdtr.base == (u32)gdt);
    print("%s: sidt limit %x base is the guest idt %u\n", who, idtr.limit, idtr.base == (u32)idt);
    print("%s: sldt %x str %x\n", who, ldtr, tr);
    print("%s: smsw %x\n", who, msw);
    print("%s: mov from cs %x ss %x\n", who, cs, ss);

    uptr flags = read_flags();
    print("%s: pushf if %lu iopl %lu\n", who, (flags >> 9) & 1, (flags >> 12) & 3);
    /* POPF that tries to clear IF and to set IOPL 3: at CPL 0 both change; at CPL 3 with IOPL 0
       neither does, silently (SDM Vol. 2B "POPF", Table 4-16). */
    uptr after;
    asm volatile("pushf\n"
                 "push %1\n"
                 "popf\n"
                 "pushf\n"
                 "pop %0\n"
                 "popf"
                 : "=r"(after)
                 : "r"((flags & ~FLAGS_IF) | FLAGS_IOPL3)
                 : "cc", "memory");
    print("%s: popf(if 0, iopl 3) then pushf: if %lu iopl %lu\n", who, (after >> 9) & 1, (after >> 12) & 3);
    descriptor_probes(who);
}

static void user_probes(void) { probes("ring3"); }

void guest_main(void) {
    print("pm_nontrapping: start\n");
    gdt[8] = segment(0, 0xfffff, 0x12, 0xc); /* 0x40: data, not present */
    gdt[9] = segment(0, 0xfff, 0xb2, 0x4);   /* 0x48: data, DPL 1, byte-granular limit FFFh */
    gdt_reload();
    u32 cr0 = (u32)read_cr0();
    u16 msw;
    asm volatile("smsw %0" : "=r"(msw));
    print("ring0: smsw equals cr0 low 16 bits %u\n", msw == (u16)cr0);
    sti();
    probes("ring0");
    cli();
    iomap_allow_console();
    run_user(user_probes, 0x202);
}
