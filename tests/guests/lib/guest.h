/* The small runtime of the 32- and 64-bit test guests: COM1 output, the exit port, the guest's own
   GDT/IDT/TSS, PIC and PIT, and "expected fault" recording. Guests are freestanding C compiled with
   -masm=intel, so inline assembly here and in the guests is Intel syntax like the .S files. */
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long uptr; /* the native word: 32 or 64 bits */
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void*)0)

/* ---- Port I/O ---- */
static inline void outb(u16 port, u8 v) { asm volatile("out dx, al" ::"d"(port), "a"(v)); }
static inline void outw(u16 port, u16 v) { asm volatile("out dx, ax" ::"d"(port), "a"(v)); }
static inline void outl(u16 port, u32 v) { asm volatile("out dx, eax" ::"d"(port), "a"(v)); }
static inline u8 inb(u16 port) {
    u8 v;
    asm volatile("in al, dx" : "=a"(v) : "d"(port));
    return v;
}
static inline u32 inl(u16 port) {
    u32 v;
    asm volatile("in eax, dx" : "=a"(v) : "d"(port));
    return v;
}

/* ---- Output: "name: result" lines on COM1, FAIL lines, the final "done" and the exit ---- */
void serial_init(void);
void print(const char* fmt, ...);      /* %s %c %d %u %x %lx %llx, width and '0' flag; %lx is uptr */
void fail(const char* fmt, ...);       /* prints "FAIL: ..." and a newline */
void check(bool ok, const char* what); /* FAIL: what, unless ok */
_Noreturn void finish(void); /* "done", then port 0xF4 ← 0 (QEMU isa-debug-exit, RealVM's model) */
void* memset(void* d, int c, unsigned long n);
void* memcpy(void* d, const void* s, unsigned long n);

/* ---- Selectors of the common GDT (lib/x86_32.c, lib/x86_64.c) ---- */
enum {
    SEL_KCODE = 0x08,
    SEL_KDATA = 0x10,
    SEL_UCODE32 = 0x18 | 3, /* 64-bit guests: compatibility-mode user code (SYSRET with REX.W = 0) */
    SEL_UDATA = 0x20 | 3,
    SEL_UCODE64 = 0x28 | 3, /* 64-bit guests only */
    SEL_TSS = 0x30,
    GDT_FREE = 0x40, /* first selector a guest may use for its own descriptors */
    GDT_ENTRIES = 16,
};
extern u64 gdt[GDT_ENTRIES];
extern u64 idt[];
void gdt_reload(void);

/* ---- Interrupts and exceptions ---- */
#ifdef __x86_64__
struct frame {
    uptr r15, r14, r13, r12, r11, r10, r9, r8, di, si, bp, bx, dx, cx, ax;
    uptr vector, error, ip, cs, flags, sp, ss;
};
#else
struct frame {
    uptr es, ds, di, si, bp, _pusha_sp, bx, dx, cx, ax;
    uptr vector, error, ip, cs, flags, sp, ss; /* sp, ss only when the CPL changed */
};
#endif
typedef void (*vector_handler)(struct frame*);
extern vector_handler vector_handlers[256]; /* set one to take over a vector */

enum { GATE_INTERRUPT = 0xe, GATE_TRAP = 0xf };
void idt_set_gate(int vector, int type, int dpl, int ist); /* points the vector at its stub */
void idt_set_present(int vector, bool present);
void idt_load_limit(u16 limit); /* LIDT with another limit */

/* An expected fault: the handler records it in last_fault and resumes at label 1 of the TRY. */
struct fault {
    int vector; /* -1: none */
    uptr error, ip, cs, cr2, sp;
};
extern volatile struct fault last_fault;
extern volatile uptr fault_resume, fault_insn;
/* When non-zero, fault_report checks CR2 against it and prints "cr2 ok" instead of the address (for
   addresses that move when the guest is relinked). */
extern volatile uptr fault_cr2_expected;

#ifdef __x86_64__
#define TRY_PROLOGUE "mov qword ptr [fault_resume], offset 1f\n\tmov qword ptr [fault_insn], offset 0f\n0: "
#else
#define TRY_PROLOGUE "mov dword ptr [fault_resume], offset 1f\n\tmov dword ptr [fault_insn], offset 0f\n0: "
#endif
/* TRY("instructions", outputs : inputs : clobbers): label 0 is the instruction expected to fault,
   label 1 the resume point. Always list "memory" among the clobbers. */
#define TRY(body, ...)                                                                                       \
    do {                                                                                                     \
        fault_clear();                                                                                       \
        asm volatile(TRY_PROLOGUE body "\n1:\n" __VA_ARGS__);                                                \
        fault_resume = 0;                                                                                    \
    } while (0)
/* TRY_SETUP("setup", "instructions", ...): setup runs before label 0 (the prologue keeps the flags). */
#define TRY_SETUP(setup, body, ...)                                                                          \
    do {                                                                                                     \
        fault_clear();                                                                                       \
        asm volatile(setup "\n" TRY_PROLOGUE body "\n1:\n" __VA_ARGS__);                                     \
        fault_resume = 0;                                                                                    \
    } while (0)
void fault_clear(void);
/* Prints "name: no fault" or "name: #XX err E cr2 C ip insn" (cr2 only for #PF). */
void fault_report(const char* name);
/* FAIL unless the last TRY faulted with this vector and error code; returns whether it did. */
bool fault_expect(const char* name, int vector, uptr error);

/* ---- PIC and PIT ---- */
void pic_remap(u8 master_base, u8 slave_base); /* all lines masked afterwards */
void pic_unmask(int irq);
void pit_set_hz(u32 hz);
extern volatile u32 irq_count[16];

/* ---- Control registers and MSRs ---- */
#define DEFINE_CR(n)                                                                                         \
    static inline uptr read_cr##n(void) {                                                                    \
        uptr v;                                                                                              \
        asm volatile("mov %0, cr" #n : "=r"(v));                                                             \
        return v;                                                                                            \
    }                                                                                                        \
    static inline void write_cr##n(uptr v) { asm volatile("mov cr" #n ", %0" ::"r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
static inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}
static inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline void cpuid(u32 leaf, u32 sub, u32* a, u32* b, u32* c, u32* d) {
    asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline void invlpg(const volatile void* p) { asm volatile("invlpg [%0]" ::"r"(p) : "memory"); }
static inline void sti(void) { asm volatile("sti"); }
static inline void cli(void) { asm volatile("cli"); }
static inline void hlt(void) { asm volatile("hlt"); }
static inline uptr read_flags(void) {
    uptr f;
    asm volatile("pushf\n\tpop %0" : "=r"(f));
    return f;
}

#define CR0_PE (1ul << 0)
#define CR0_WP (1ul << 16)
#define CR0_PG (1ul << 31)
#define CR4_PSE (1ul << 4)
#define CR4_PAE (1ul << 5)
#define CR4_PGE (1ul << 7)
#define FLAGS_TF (1ul << 8)
#define FLAGS_IF (1ul << 9)
#define FLAGS_IOPL3 (3ul << 12)
#define MSR_EFER 0xc0000080u
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* ---- The TSS (Intel SDM Vol. 3A §8.2.1 32-bit TSS, §8.7 64-bit TSS) with a full I/O bitmap ---- */
#ifdef __x86_64__
struct __attribute__((packed)) tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7]; /* ist[0] is IST1 */
    u64 reserved2;
    u16 reserved3, iomap_base;
    u8 iomap[8192 + 1]; /* one bit per port, 1 = #GP at CPL > IOPL; the last byte must be FFh */
};
#else
struct __attribute__((packed)) tss {
    u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    u32 es, cs, ss, ds, fs, gs, ldt;
    u16 trap, iomap_base;
    u8 iomap[8192 + 1];
};
#endif
extern struct tss tss;

/* ---- User mode ---- */
/* Runs fn at CPL 3 with these flags on user_stack_top; returns when fn returns (or calls sys_exit). */
void run_user(void (*fn)(void), uptr flags);
enum { SYS_EXIT = 0 }; /* INT 80h, EAX = 0: leave user mode (the gate has DPL 3) */
void user_return(void);
/* Lets CPL 3 reach COM1 and the exit port through the TSS I/O bitmap, so user code can print. */
void iomap_allow_console(void);
static inline void iomap_set(u16 port, bool allowed) {
    if (allowed)
        tss.iomap[port / 8] &= (u8) ~(1u << (port % 8));
    else
        tss.iomap[port / 8] |= (u8)(1u << (port % 8));
}

/* ---- Stacks and the entry ---- */
void guest_main(void);
void arch_init(void);                       /* GDT, IDT, TSS; called before guest_main */
extern u64 multiboot_magic, multiboot_info; /* EAX and EBX at the Multiboot entry */
extern u8 kernel_stack_top[], trap_stack_top[], user_stack_top[], ist_stack_top[], ist2_stack_top[];
/* The fault path the runtime uses when no handler takes a vector: records into last_fault and resumes
   at the TRY's label 1 (returns false if no TRY is active). */
bool fault_record(struct frame* f);

#ifdef __x86_64__
/* 64-bit guests: arch_init's identity map of 0-1 GiB (U/S = 1); 4-KiB pages below 4 MiB. */
extern volatile u64 lm_pml4[512], lm_pdpt[512], lm_pd[512];
volatile u64* lm_pte(uptr address); /* the PTE of an address below 4 MiB */
#endif
