/* The 64-bit guests' GDT, IDT, TSS and page tables (Intel SDM Vol. 3A §3.4.5, §6.14.1 64-bit IDT
   gates, §8.7 64-bit TSS, §5.5 4-level paging). */
#include "guest.h"

u64 gdt[GDT_ENTRIES];
struct tss tss __attribute__((aligned(128)));
u64 idt[512] __attribute__((aligned(16))); /* 16 bytes per gate */
extern u8 isr_stubs[];
void gdt_load(const void* gdtr);

volatile u64 lm_pml4[512] __attribute__((aligned(4096)));
volatile u64 lm_pdpt[512] __attribute__((aligned(4096)));
volatile u64 lm_pd[512] __attribute__((aligned(4096)));
volatile u64 lm_pt[2][512] __attribute__((aligned(4096)));

static u64 segment(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xffffull) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

void gdt_reload(void) {
    struct __attribute__((packed)) {
        u16 limit;
        u64 base;
    } gdtr = {sizeof(gdt) - 1, (u64)gdt};
    gdt_load(&gdtr);
}

void idt_set_gate(int vector, int type, int dpl, int ist) {
    u64 offset = (u64)(isr_stubs + 16 * vector);
    idt[2 * vector] = (offset & 0xffff) | ((u64)SEL_KCODE << 16) | ((u64)(ist & 7) << 32) |
                      ((u64)(0x80 | dpl << 5 | type) << 40) | (((offset >> 16) & 0xffff) << 48);
    idt[2 * vector + 1] = offset >> 32;
}

void idt_set_present(int vector, bool present) {
    if (present)
        idt[2 * vector] |= 1ull << 47;
    else
        idt[2 * vector] &= ~(1ull << 47);
}

void idt_load_limit(u16 limit) {
    struct __attribute__((packed)) {
        u16 limit;
        u64 base;
    } idtr = {limit, (u64)idt};
    asm volatile("lidt [%0]" ::"r"(&idtr) : "memory");
}

volatile u64* lm_pte(uptr address) { return &lm_pt[address >> 21][(address >> 12) & 511]; }

void arch_init(void) {
    gdt[1] = segment(0, 0xfffff, 0x9a, 0xa); /* ring-0 code, 64-bit (L) */
    gdt[2] = segment(0, 0xfffff, 0x92, 0xc); /* ring-0 data */
    gdt[3] = segment(0, 0xfffff, 0xfa, 0xc); /* ring-3 code, 32-bit (compatibility mode) */
    gdt[4] = segment(0, 0xfffff, 0xf2, 0xc); /* ring-3 data */
    gdt[5] = segment(0, 0xfffff, 0xfa, 0xa); /* ring-3 code, 64-bit */
    u64 tss_base = (u64)&tss;
    gdt[6] = segment((u32)tss_base, sizeof(tss) - 1, 0x89, 0x0); /* available 64-bit TSS, 16 bytes */
    gdt[7] = tss_base >> 32;
    gdt_reload();
    memset(&tss, 0, sizeof(tss));
    tss.rsp[0] = (u64)trap_stack_top;
    tss.ist[0] = (u64)ist_stack_top;
    tss.ist[1] = (u64)ist2_stack_top;
    tss.iomap_base = __builtin_offsetof(struct tss, iomap);
    memset(tss.iomap, 0xff, sizeof(tss.iomap));
    asm volatile("ltr %0" ::"r"((u16)SEL_TSS));
    for (int v = 0; v < 256; v++)
        idt_set_gate(v, GATE_INTERRUPT, 0, 0);
    idt_set_gate(0x80, GATE_INTERRUPT, 3, 0);
    idt_load_limit(sizeof(idt) - 1);
    pic_remap(0x20, 0x28);

    /* Identity map of 0-1 GiB, user-accessible: 4-KiB pages below 4 MiB (the guest image lives
       there, so guests can change single pages), 2-MiB pages above. */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 512; j++)
            lm_pt[i][j] = (u64)(i * 0x200000 + j * 4096) | 0x7;
    lm_pd[0] = (u64)lm_pt[0] | 0x7;
    lm_pd[1] = (u64)lm_pt[1] | 0x7;
    for (int i = 2; i < 512; i++)
        lm_pd[i] = (u64)i * 0x200000 | 0x87;
    lm_pdpt[0] = (u64)lm_pd | 0x7;
    lm_pml4[0] = (u64)lm_pdpt | 0x7;
    write_cr3((uptr)lm_pml4);
}
