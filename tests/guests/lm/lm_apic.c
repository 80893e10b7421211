/* lm_apic: the local APIC as Linux drives it (Intel SDM Vol. 3A §12 "Advanced Programmable Interrupt
   Controller"): IA32_APIC_BASE, ID and version, the spurious-interrupt register, TPR, the timer in
   one-shot and periodic mode, LVT masking, EOI, self-IPIs through the ICR, IRR/ISR and TPR-based
   blocking. Rates are never printed; waits end after a TSC-based timeout with a FAIL line. */
#include "guest.h"

#define MSR_APIC_BASE 0x1bu
#define APIC_PHYS 0xfee00000ull
#define REG(off) (*(volatile u32*)(uptr)(APIC_PHYS + (off)))
#define APIC_ID 0x020
#define APIC_VERSION 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_ICR_LOW 0x300
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_VECTOR 0x40
#define IPI_VECTOR 0x41

static volatile u64 pd_apic[512] __attribute__((aligned(4096)));
static volatile u32 timer_hits, ipi_hits, ipi_in_service, spurious_hits;

static void timer_handler(struct frame* f) {
    (void)f;
    timer_hits++;
    REG(APIC_EOI) = 0;
}

static void ipi_handler(struct frame* f) {
    (void)f;
    ipi_hits++;
    ipi_in_service = (REG(APIC_ISR + 0x10 * (IPI_VECTOR / 32)) >> (IPI_VECTOR % 32)) & 1;
    REG(APIC_EOI) = 0;
}

static void spurious_handler(struct frame* f) {
    (void)f;
    spurious_hits++; /* no EOI for the spurious vector (§12.9) */
}

static u64 rdtsc(void) {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

/* Waits with interrupts on until *counter reaches target or the TSC advanced by `cycles`. */
static bool wait_cycles(volatile u32* counter, u32 target, u64 cycles) {
    u64 deadline = rdtsc() + cycles;
    sti();
    while (*counter < target && rdtsc() < deadline)
        asm volatile("pause");
    cli();
    return *counter >= target;
}

/* For what must arrive: a long limit (several seconds at any TSC rate). */
static bool wait_for(volatile u32* counter, u32 target) {
    return wait_cycles(counter, target, 10000000000ull);
}

/* For what must not arrive: a short window. */
static void wait_briefly(volatile u32* counter) { wait_cycles(counter, 1, 300000000ull); }

static bool irr_bit(int vector) { return (REG(APIC_IRR + 0x10 * (vector / 32)) >> (vector % 32)) & 1; }

void guest_main(void) {
    print("lm_apic: start\n");
    lm_pdpt[3] = (u64)pd_apic | 0x3; /* 3-4 GiB; the APIC page uncached: P RW PWT PCD PS */
    pd_apic[(APIC_PHYS - 0xc0000000ull) >> 21] = (APIC_PHYS & ~0x1fffffull) | 0x9b;
    write_cr3(read_cr3());
    vector_handlers[TIMER_VECTOR] = timer_handler;
    vector_handlers[IPI_VECTOR] = ipi_handler;
    vector_handlers[0xff] = spurious_handler;

    u64 base = rdmsr(MSR_APIC_BASE);
    print("apic_base: %llx enabled %llu bsp %llu\n", base & ~0xfffull, (base >> 11) & 1, (base >> 8) & 1);
    print("lapic: id %u, integrated apic version %u\n", REG(APIC_ID) >> 24,
          (REG(APIC_VERSION) & 0xff) >= 0x10);
    REG(APIC_SVR) = 0x100 | 0xff; /* software enable, spurious vector FFh */
    print("lapic: svr %x\n", REG(APIC_SVR) & 0x1ff);
    REG(APIC_TPR) = 0x20;
    print("lapic: tpr round trip %x\n", REG(APIC_TPR) & 0xff);
    REG(APIC_TPR) = 0;

    REG(APIC_TIMER_DIVIDE) = 0xb; /* divide by 1 */
    REG(APIC_LVT_TIMER) = LVT_MASKED | TIMER_VECTOR;
    REG(APIC_TIMER_INITIAL) = 0xffffffff;
    u32 c1 = REG(APIC_TIMER_CURRENT);
    for (volatile int i = 0; i < 1000; i++) {
    }
    u32 c2 = REG(APIC_TIMER_CURRENT);
    print("lapic timer: current count decreases %u\n", c2 < c1);
    wait_briefly(&timer_hits); /* masked: nothing may arrive */
    REG(APIC_TIMER_INITIAL) = 0;
    print("lapic timer: masked lvt delivered %u\n", timer_hits);

    timer_hits = 0;
    REG(APIC_LVT_TIMER) = TIMER_VECTOR; /* one-shot */
    REG(APIC_TIMER_INITIAL) = 100000;
    bool one = wait_for(&timer_hits, 1);
    for (volatile int i = 0; i < 200000; i++) {
    }
    print("lapic timer: one-shot arrived %u, count %u, current count %u\n", one, timer_hits,
          REG(APIC_TIMER_CURRENT));

    timer_hits = 0;
    REG(APIC_LVT_TIMER) = LVT_PERIODIC | TIMER_VECTOR;
    REG(APIC_TIMER_INITIAL) = 1000000;
    bool periodic = wait_for(&timer_hits, 20);
    REG(APIC_LVT_TIMER) = LVT_MASKED | TIMER_VECTOR;
    REG(APIC_TIMER_INITIAL) = 0;
    print("lapic timer: periodic 20 interrupts %u\n", periodic);
    check(one && periodic, "lapic timer interrupts did not arrive");

    /* Self-IPI, fixed delivery (ICR shorthand 01b = self, §12.6.1). */
    REG(APIC_ICR_LOW) = (1u << 18) | IPI_VECTOR;
    bool ipi = wait_for(&ipi_hits, 1);
    print("self ipi: delivered %u, isr bit set in the handler %u, isr after eoi %u\n", ipi, ipi_in_service,
          (REG(APIC_ISR + 0x10 * (IPI_VECTOR / 32)) >> (IPI_VECTOR % 32)) & 1);
    /* TPR class 5 blocks vector 41h (class 4) until it is lowered (§12.8.3.1). */
    ipi_hits = 0;
    REG(APIC_TPR) = 0x50;
    REG(APIC_ICR_LOW) = (1u << 18) | IPI_VECTOR;
    wait_briefly(&ipi_hits);
    print("self ipi with tpr 50h: delivered %u, pending in irr %u\n", ipi_hits, irr_bit(IPI_VECTOR));
    REG(APIC_TPR) = 0;
    bool after = wait_for(&ipi_hits, 1);
    print("self ipi after tpr 0: delivered %u, irr %u\n", after, irr_bit(IPI_VECTOR));
    print("lapic: spurious interrupts %u\n", spurious_hits);
}
