/* pm_flat: 32-bit protected mode without paging. The guest's own GDT and IDT; exceptions with and
   without error codes (Intel SDM Vol. 3A §6.15 "Exception and Interrupt Reference"), selector error
   codes (§6.13), gate types and IF, IDT limit and not-present gates, and PIT interrupts through the
   IDT. */
#include "guest.h"

static volatile uptr seen_pushed_flags, seen_handler_flags, seen_cs, seen_error;

static void record_gate(struct frame* f) {
    seen_pushed_flags = f->flags;
    seen_handler_flags = read_flags();
    seen_cs = f->cs;
    seen_error = f->error;
}

static u64 segment(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xffffull) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

static void test_exceptions(void) {
    TRY("div ecx", ::"a"(1), "d"(0), "c"(0) : "memory");
    fault_expect("div by zero", 0, 0);
    TRY("ud2", ::: "memory");
    fault_expect("ud2", 6, 0);
    TRY("int3", ::: "memory");
    fault_expect("int3", 3, 0);
    TRY_SETUP("mov al, 0x7f\n add al, 1", "into", ::: "eax", "memory");
    fault_expect("into of=1", 4, 0);
    static const u32 bounds[2] = {0, 100};
    TRY("bound eax, [%0]", ::"r"(bounds), "a"(200) : "memory");
    fault_expect("bound out of range", 5, 0);
    /* TF set by POPF traps after the instruction that follows POPF (SDM Vol. 3A §18.3.1.4). */
    TRY("pushf\n or dword ptr [esp], 0x100\n popf\n nop", ::: "memory");
    fault_expect("single step after popf; nop", 1, 0);
    write_cr0(read_cr0() | (1u << 3)); /* CR0.TS: the next x87 instruction raises #NM (SDM §2.5) */
    TRY("fninit", ::: "memory");
    fault_expect("fninit with cr0.ts", 7, 0);
    asm volatile("clts");
    TRY("fninit", ::: "memory");
    fault_expect("fninit after clts", -1, 0);
}

static void test_selectors(void) {
    gdt[8] = segment(0, 0xfffff, 0x12, 0xc);  /* 0x40: data, not present */
    gdt[9] = segment(0, 0xfffff, 0x98, 0xc);  /* 0x48: code, execute-only */
    gdt[10] = segment(0, 0xfffff, 0x1a, 0xc); /* 0x50: code, not present */
    gdt_reload();
    u32 before;
    asm volatile("mov %0, ds" : "=r"(before));
    TRY("mov ds, ax", ::"a"(0x80) : "memory"); /* beyond the GDT limit (16 entries) */
    fault_expect("mov ds, 0x80 beyond gdt limit", 13, 0x80);
    TRY("mov ds, ax", ::"a"(0x40) : "memory");
    fault_expect("mov ds, not-present data", 11, 0x40);
    TRY("mov ss, ax", ::"a"(0x40) : "memory");
    fault_expect("mov ss, not-present data", 12, 0x40);
    TRY("mov ds, ax", ::"a"(0x48) : "memory");
    fault_expect("mov ds, execute-only code", 13, 0x48);
    TRY("mov ss, ax", ::"a"(0) : "memory");
    fault_expect("mov ss, null", 13, 0);
    TRY("mov ss, ax", ::"a"(SEL_UDATA) : "memory"); /* SS needs RPL = DPL = CPL (SDM "MOV") */
    fault_expect("mov ss, ring-3 data at cpl 0", 13, SEL_UDATA & ~3u);
    TRY("mov ds, ax\n mov ds, cx", ::"a"(SEL_UDATA), "c"(SEL_KDATA) : "memory");
    fault_expect("mov ds, ring-3 data at cpl 0", -1, 0);
    TRY("mov ds, ax\n mov ds, cx", ::"a"(0), "c"(SEL_KDATA) : "memory");
    fault_expect("mov ds, null", -1, 0);
    TRY(".byte 0xea\n .long 0\n .word 0x50", ::: "memory"); /* ljmp 0x50:0 */
    fault_expect("ljmp not-present code", 11, 0x50);
    u32 after;
    asm volatile("mov %0, ds" : "=r"(after));
    check(after == before, "ds changed by a faulting load");
    print("selectors: ds kept %x\n", after);
}

static void test_gates(void) {
    vector_handlers[0x40] = record_gate;
    vector_handlers[0x41] = record_gate;
    idt_set_gate(0x41, GATE_TRAP, 0, 0);
    sti();
    asm volatile("int 0x40" ::: "memory");
    cli();
    print("int 0x40 interrupt gate: cs %lx pushed if %lu handler if %lu\n", seen_cs,
          (seen_pushed_flags >> 9) & 1, (seen_handler_flags >> 9) & 1);
    sti();
    asm volatile("int 0x41" ::: "memory");
    cli();
    print("int 0x41 trap gate: pushed if %lu handler if %lu\n", (seen_pushed_flags >> 9) & 1,
          (seen_handler_flags >> 9) & 1);
    idt_set_present(0x50, false);
    TRY("int 0x50", ::: "memory");
    fault_expect("int 0x50 not-present gate", 11, 0x50 * 8 + 2); /* IDT bit (1) set */
    idt_set_present(0x50, true);
    idt_load_limit(0x80 * 8 - 1);
    TRY("int 0x90", ::: "memory");
    fault_expect("int 0x90 beyond idt limit", 13, 0x90 * 8 + 2);
    idt_load_limit(256 * 8 - 1);
    TRY("int 0x90", ::: "memory");
    fault_expect("int 0x90 unhandled vector", 0x90, 0);
}

static void test_timer(void) {
    vector_handlers[0x20] = NULL;
    irq_count[0] = 0;
    pit_set_hz(1000);
    pic_unmask(0);
    sti();
    while (irq_count[0] < 50)
        hlt();
    cli();
    print("irq0: 50 interrupts through idt vector 0x20\n");
    vector_handlers[0x20] = record_gate;
    seen_cs = 0;
    sti();
    while (!seen_cs)
        hlt();
    cli();
    outb(0x20, 0x20);
    print("irq0: frame cs %lx pushed if %lu error slot %lx handler if %lu\n", seen_cs,
          (seen_pushed_flags >> 9) & 1, seen_error, (seen_handler_flags >> 9) & 1);
    vector_handlers[0x20] = NULL;
    outb(0x21, 0xff);
}

/* STI delays interrupt recognition until after the next instruction (SDM Vol. 2B "STI"), and MOV SS
   delays interrupts and debug traps the same way (Vol. 3A §7.8.3): a monitor that emulates STI or
   MOV SS must keep that shadow. */
static void test_interrupt_shadows(void) {
    irq_count[0] = 0;
    pit_set_hz(1000);
    pic_unmask(0);
    outb(0x20, 0x0a); /* OCW3: read IRR */
    while (!(inb(0x20) & 1)) {
    }
    u32 before = irq_count[0];
    asm volatile("sti\n cli" ::: "memory");
    u32 after_shadow = irq_count[0];
    asm volatile("sti\n nop\n cli" ::: "memory");
    u32 after_nop = irq_count[0];
    outb(0x21, 0xff);
    print("sti shadow: pending irq0 taken after sti;cli %u, after sti;nop;cli %u\n", after_shadow - before,
          after_nop - after_shadow);
    TRY("pushf\n or dword ptr [esp], 0x100\n popf\n mov ss, ax\n nop\n nop", ::"a"(SEL_KDATA) : "memory");
    fault_expect("single step over mov ss; nop", 1, 0);
}

void guest_main(void) {
    print("pm_flat: start\n");
    uptr cr0 = read_cr0();
    print("cr0: pe %lu pg %lu\n", cr0 & 1, cr0 >> 31);
    u16 cs;
    asm volatile("mov %0, cs" : "=r"(cs));
    print("cs: %x\n", cs);
    test_exceptions();
    test_selectors();
    test_gates();
    test_timer();
    test_interrupt_shadows();
}
