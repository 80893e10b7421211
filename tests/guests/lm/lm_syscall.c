/* lm_syscall: SYSCALL/SYSRET (Intel SDM Vol. 2B "SYSCALL", "SYSRET"; Vol. 3A §5.8.8) with STAR,
   LSTAR and FMASK, SWAPGS with IA32_GS_BASE/IA32_KERNEL_GS_BASE (Vol. 2B "SWAPGS"), user↔kernel
   transitions in both directions, the instructions user mode may not run, and user reads of kernel
   memory (a supervisor page: #PF with U/S set in the error code). */
#include "guest.h"

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define FMASK_LINUX 0x47700ull /* TF DF IF IOPL AC NT: what Linux masks */
#define FLAGS_AC (1ul << 18)

/* The kernel's per-CPU block, reached through GS after SWAPGS. */
struct percpu {
    u64 magic, user_rsp, kernel_rsp, seen_rcx, seen_r11, seen_rflags, seen_cs, seen_ss, seen_magic;
};
static struct percpu percpu __attribute__((aligned(64))) = {.magic = 0x6b65726e656c2121ull};
static u64 user_tls[8] __attribute__((aligned(64))) = {0x7573657221212121ull};
static u8 syscall_stack[8192] __attribute__((aligned(16)));
static volatile u64 kernel_secret[512] __attribute__((aligned(4096))) = {0x5ec7e7};

void syscall_entry(void);
asm(".text\n"
    "syscall_entry:\n"
    "    swapgs\n"
    "    mov gs:[8], rsp\n"  /* user RSP */
    "    mov rsp, gs:[16]\n" /* kernel stack */
    "    mov gs:[24], rcx\n" /* SYSCALL put the return RIP in RCX ... */
    "    mov gs:[32], r11\n" /* ... and RFLAGS in R11 */
    "    pushfq\n"
    "    pop qword ptr gs:[40]\n"
    "    mov ecx, cs\n"
    "    mov gs:[48], rcx\n"
    "    mov ecx, ss\n"
    "    mov gs:[56], rcx\n"
    "    mov rcx, gs:[0]\n"
    "    mov gs:[64], rcx\n"
    "    test rax, rax\n"
    "    jz 2f\n"
    "    mov r11, gs:[32]\n"
    "    cmp rax, 2\n"
    "    jne 1f\n"
    "    or r11, 1\n" /* call 2: the kernel sets CF in the RFLAGS SYSRET restores */
    "1:  lea rax, [rdi + 1]\n"
    "    mov rcx, gs:[24]\n"
    "    mov rsp, gs:[8]\n"
    "    swapgs\n"
    "    sysretq\n"
    "2:  swapgs\n" /* call 0: leave user mode for good */
    "    jmp user_return\n");

static u64 user_gs_magic(void) {
    u64 v;
    asm volatile("mov %0, gs:[0]" : "=r"(v));
    return v;
}

static void user_main(void) {
    print("user: gs:[0] is the user tls %u\n", user_gs_magic() == user_tls[0]);
    u64 result, return_rip, flags_before, flags_after;
    u16 cs, ss;
    asm volatile("lea %1, [rip + 1f]\n"
                 "pushfq\n"
                 "pop %2\n"
                 "syscall\n"
                 "1:\n"
                 "pushfq\n"
                 "pop %3\n"
                 : "=a"(result), "=&r"(return_rip), "=&r"(flags_before), "=&r"(flags_after)
                 : "a"(1), "D"(41)
                 : "rcx", "r11", "memory");
    asm volatile("mov %0, cs" : "=r"(cs));
    asm volatile("mov %0, ss" : "=r"(ss));
    print("syscall: returned %lu\n", result);
    print("syscall: rcx held the return rip %u, r11 the user rflags %u\n", percpu.seen_rcx == return_rip,
          percpu.seen_r11 == flags_before);
    print("syscall: kernel rflags if %lu tf %lu ac %lu iopl %lu (fmask)\n", (percpu.seen_rflags >> 9) & 1,
          (percpu.seen_rflags >> 8) & 1, (percpu.seen_rflags >> 18) & 1, (percpu.seen_rflags >> 12) & 3);
    print("syscall: kernel cs %lx ss %lx, swapgs gave the kernel block %u\n", percpu.seen_cs, percpu.seen_ss,
          percpu.seen_magic == percpu.magic);
    print("sysret: cs %x ss %x, rflags restored %u (ac %lu), gs:[0] user tls again %u\n", cs, ss,
          flags_after == flags_before, (flags_after >> 18) & 1, user_gs_magic() == user_tls[0]);
    u64 rflags;
    asm volatile("syscall\n pushfq\n pop %1"
                 : "=a"(result), "=r"(rflags)
                 : "a"(2), "D"(0)
                 : "rcx", "r11", "memory");
    print("sysret: rflags from r11 as the kernel changed it, cf %lu\n", rflags & 1);

    TRY("swapgs", ::: "memory");
    fault_expect("user swapgs", 13, 0);
    TRY("sysretq", ::: "memory");
    fault_expect("user sysret", 13, 0);
    TRY("rdmsr", ::"c"(MSR_LSTAR) : "rax", "rdx", "memory");
    fault_expect("user rdmsr lstar", 13, 0);
    TRY("mov rax, cr3", ::: "rax", "memory");
    fault_expect("user mov rax, cr3", 13, 0);
    TRY("cli", ::: "memory");
    fault_expect("user cli", 13, 0);
    TRY("hlt", ::: "memory");
    fault_expect("user hlt", 13, 0);
    TRY("int 0x81", ::: "memory"); /* DPL-0 gate: #GP, IDT flag in the error code (see lm_basic.c) */
    print("user int 0x81 (dpl 0 gate): %s idt-flag %lu\n", last_fault.vector == 13 ? "#GP" : "??",
          (last_fault.error >> 1) & 1);

    fault_cr2_expected = (uptr)kernel_secret;
    TRY("mov rax, [%0]", ::"r"(kernel_secret) : "rax", "memory");
    fault_expect("user read kernel page", 14, 5);
    TRY("mov qword ptr [%0], 1", ::"r"(kernel_secret) : "memory");
    fault_expect("user write kernel page", 14, 7);
    TRY("jmp %0", ::"r"(kernel_secret) : "memory");
    fault_expect("user fetch kernel page", 14, 0x15);
    fault_cr2_expected = 0;
}

void guest_main(void) {
    print("lm_syscall: start\n");
    u64 efer = rdmsr(MSR_EFER) | EFER_NXE;
    wrmsr(MSR_EFER, efer & ~EFER_SCE);
    TRY("syscall", ::: "rcx", "r11", "memory");
    fault_expect("kernel syscall with efer.sce 0", 6, 0);
    wrmsr(MSR_EFER, efer | EFER_SCE);
    /* STAR[47:32]: kernel CS (SS = +8); STAR[63:48]: SYSRET base, 64-bit CS = +16, SS = +8, RPL 3. */
    wrmsr(MSR_STAR, (0x18ull << 48) | (0x08ull << 32));
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    wrmsr(MSR_FMASK, FMASK_LINUX);
    percpu.kernel_rsp = (u64)(syscall_stack + sizeof(syscall_stack));
    wrmsr(MSR_GS_BASE, (u64)user_tls);
    wrmsr(MSR_KERNEL_GS_BASE, (u64)&percpu);

    *lm_pte((uptr)kernel_secret) &= ~4ull; /* supervisor only */
    invlpg(kernel_secret);
    iomap_allow_console();
    run_user(user_main, 0x202 | FLAGS_AC);
    print("kernel: back at cpl 0, kernel_secret still %lx, gs base is the user tls %u\n", kernel_secret[0],
          rdmsr(MSR_GS_BASE) == (u64)user_tls);
}
