/* The 32-bit guests' GDT, IDT and TSS (Intel SDM Vol. 3A §3.4.5 segment descriptors, §6.11 IDT
   descriptors, §8.2 TSS). */
#include "guest.h"

u64 gdt[GDT_ENTRIES];
struct tss tss __attribute__((aligned(128)));
u64 idt[256] __attribute__((aligned(8)));
extern u8 isr_stubs[];
void gdt_load(const void* gdtr);

static u64 segment(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xffffull) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

void gdt_reload(void) {
    struct __attribute__((packed)) {
        u16 limit;
        u32 base;
    } gdtr = {sizeof(gdt) - 1, (u32)gdt};
    gdt_load(&gdtr);
}

void idt_set_gate(int vector, int type, int dpl, int ist) {
    (void)ist;
    u32 offset = (u32)(isr_stubs + 16 * vector);
    idt[vector] = (offset & 0xffff) | ((u64)SEL_KCODE << 16) | ((u64)(0x80 | dpl << 5 | type) << 40) |
                  ((u64)(offset >> 16) << 48);
}

void idt_set_present(int vector, bool present) {
    if (present)
        idt[vector] |= 1ull << 47;
    else
        idt[vector] &= ~(1ull << 47);
}

void idt_load_limit(u16 limit) {
    struct __attribute__((packed)) {
        u16 limit;
        u32 base;
    } idtr = {limit, (u32)idt};
    asm volatile("lidt [%0]" ::"r"(&idtr) : "memory");
}

void arch_init(void) {
    gdt[1] = segment(0, 0xfffff, 0x9a, 0xc);                 /* ring-0 code, 32-bit, 4 GiB */
    gdt[2] = segment(0, 0xfffff, 0x92, 0xc);                 /* ring-0 data */
    gdt[3] = segment(0, 0xfffff, 0xfa, 0xc);                 /* ring-3 code */
    gdt[4] = segment(0, 0xfffff, 0xf2, 0xc);                 /* ring-3 data */
    gdt[6] = segment((u32)&tss, sizeof(tss) - 1, 0x89, 0x0); /* available 32-bit TSS */
    gdt_reload();
    memset(&tss, 0, sizeof(tss));
    tss.ss0 = SEL_KDATA;
    tss.esp0 = (u32)trap_stack_top;
    tss.iomap_base = __builtin_offsetof(struct tss, iomap);
    memset(tss.iomap, 0xff, sizeof(tss.iomap));
    asm volatile("ltr %0" ::"r"((u16)SEL_TSS));
    for (int v = 0; v < 256; v++)
        idt_set_gate(v, GATE_INTERRUPT, 0, 0);
    idt_set_gate(0x80, GATE_INTERRUPT, 3, 0); /* the system call gate, reachable from CPL 3 */
    idt_load_limit(sizeof(idt) - 1);
    pic_remap(0x20, 0x28);
}
