/* lm_hostile: bogus values a hostile or buggy 64-bit kernel may hand the CPU, each of which must get
   the fault the machine gives (Intel SDM Vol. 2 exception lists of LTR, LLDT, MOV to DR7, INT n; Vol.
   3A §6.14 gate checks), never a monitor crash; and reads of guest-physical memory beyond the guest's RAM,
   which must not show anything but "nothing there". */
#include "guest.h"

static u64 segment(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xffffull) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

static volatile u64 pd_high[512] __attribute__((aligned(4096)));

static void test_descriptor_tables(void) {
    /* LGDT/LIDT of a non-canonical base raise #GP(0) on hardware; QEMU 7.2's TCG loads them (and
       then triple-faults), so they are not part of the equivalence test. */
    gdt[8] = segment(0, 0xfffff, 0x92, 0xc); /* 0x40: data */
    gdt[9] = segment(0, 0xfffff, 0x9a, 0xa); /* 0x48: code */
    gdt_reload();
    TRY("ltr %w0", ::"r"(0x40) : "memory");
    fault_expect("ltr data segment", 13, 0x40);
    TRY("ltr %w0", ::"r"(SEL_TSS) : "memory");
    fault_expect("ltr busy tss", 13, SEL_TSS);
    TRY("lldt %w0", ::"r"(0x40) : "memory");
    fault_expect("lldt data segment", 13, 0x40);
    TRY("lldt %w0", ::"r"(0) : "memory");
    fault_expect("lldt null", -1, 0);
}

static void test_control_registers(void) {
    /* On hardware these raise #GP(0), and QEMU 7.2's TCG accepts them, most of them fatally: MOV to
       CR0 with NW without CD, PG without PE or a bit above 31; MOV to CR4 clearing PAE in long mode or
       setting a reserved bit; MOV to CR3 with bits above MAXPHYADDR; WRMSR clearing EFER.LME while
       paging. They are hostile-guest cases for a monitor, but not part of this equivalence test. */
    TRY("mov dr7, %0", ::"r"(1ull << 32) : "memory");
    fault_expect("dr7 bit 32 (reserved)", 13, 0);
    asm volatile("mov cr8, %0" ::"r"(5ul));
    uptr cr8;
    asm volatile("mov %0, cr8" : "=r"(cr8));
    asm volatile("mov cr8, %0" ::"r"(0ul));
    print("cr8 (tpr) round trip %lx\n", cr8);
}

static void test_gates(void) {
    extern u64 idt[];
    u64 saved_low = idt[2 * 0x60];
    idt[2 * 0x60] &= ~(0xffffull << 16); /* null selector in the gate */
    TRY("int 0x60", ::: "memory");
    fault_expect("int through gate with null selector", 13, 0);
    idt[2 * 0x60] = (saved_low & ~(0xffffull << 16)) | (0x40ull << 16); /* data segment */
    TRY("int 0x60", ::: "memory");
    fault_expect("int through gate with data selector", 13, 0x40);
    idt[2 * 0x60] = saved_low;
    /* IRETQ to a non-canonical RIP: #GP(0) at the IRETQ on hardware, with the frame still on the
       stack; QEMU 7.2's TCG completes the IRETQ and faults at the target. Not tested here. */
}

static void test_beyond_ram(void) {
    /* Guest-physical 1 GiB, 3.5 GiB and 4 GiB + 2 MiB: no RAM in a 64-MiB guest. */
    static const u64 physical[] = {0x40000000ull, 0xe0000000ull, 0x100200000ull};
    lm_pdpt[3] = (u64)pd_high | 0x3;
    for (unsigned i = 0; i < 3; i++) {
        pd_high[i] = physical[i] | 0x83; /* 2-MiB page, virtual 3 GiB + i * 2 MiB */
        write_cr3(read_cr3());
        u32 v = *(volatile u32*)(0xc0000000ull + i * 0x200000ull);
        print("read of guest-physical %llx beyond ram: zero or all-ones %u\n", physical[i],
              v == 0 || v == 0xffffffff);
    }
    lm_pdpt[3] = 0;
    write_cr3(read_cr3());
}

void guest_main(void) {
    print("lm_hostile: start\n");
    test_descriptor_tables();
    test_control_registers();
    test_gates();
    test_beyond_ram();
}
