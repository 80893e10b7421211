/* pm_sysenter: SYSENTER/SYSEXIT in 32-bit protected mode, as 32-bit Linux enters its kernel (Intel SDM
   Vol. 2B "SYSENTER", "SYSEXIT"; Vol. 3A §5.8.7). SYSENTER loads CS from IA32_SYSENTER_CS, SS from
   CS + 8, ESP and EIP from the other two MSRs and clears VM, IF and RF; SYSEXIT returns to CPL 3 with
   CS = SYSENTER_CS + 16, SS = + 24, EIP = EDX, ESP = ECX. With SYSENTER_CS = 0 both raise #GP(0);
   SYSEXIT at CPL 3 raises #GP(0). */
#include "guest.h"

#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u

static u8 sysenter_stack[4096] __attribute__((aligned(16)));
static volatile u32 seen_cs, seen_ss, seen_esp, seen_flags, seen_eax;

void sysenter_entry(void);
/* Kernel side: note the state, answer EAX + 1 and go back with SYSEXIT (EDX = return EIP, ECX =
   user ESP; this guest's user side passes them in EBP and ESI). */
asm(".text\n"
    "sysenter_entry:\n"
    "    mov [seen_esp], esp\n"
    "    mov [seen_eax], eax\n"
    "    push eax\n"
    "    mov eax, cs\n"
    "    mov [seen_cs], eax\n"
    "    mov eax, ss\n"
    "    mov [seen_ss], eax\n"
    "    pushfd\n"
    "    pop eax\n"
    "    mov [seen_flags], eax\n"
    "    pop eax\n"
    "    inc eax\n"
    "    mov edx, ebp\n"
    "    mov ecx, esi\n"
    "    sti\n"
    "    sysexit\n");

static void user_main(void) {
    u32 result, flags;
    u16 cs, ss;
    asm volatile("push ebp\n"
                 "mov esi, esp\n"
                 "lea ebp, [2f]\n"
                 "sysenter\n"
                 "2:\n"
                 "pop ebp\n"
                 : "=a"(result)
                 : "a"(41)
                 : "ecx", "edx", "esi", "memory");
    asm volatile("pushfd\n pop %0" : "=r"(flags));
    asm volatile("mov %0, cs" : "=r"(cs));
    asm volatile("mov %0, ss" : "=r"(ss));
    print("user: sysenter returned %u, back at cs %x ss %x if %u\n", result, cs, ss, (flags >> 9) & 1);
    print("kernel side: cs %x ss %x esp is sysenter_esp %u if %u\n", seen_cs, seen_ss,
          seen_esp == (u32)(sysenter_stack + sizeof(sysenter_stack)), (seen_flags >> 9) & 1);
    TRY("sysexit", ::: "memory");
    fault_expect("user sysexit", 13, 0);
}

static void user_sysenter_cs_zero(void) {
    TRY("sysenter", ::: "memory");
    fault_expect("user sysenter with sysenter_cs 0", 13, 0);
}

void guest_main(void) {
    print("pm_sysenter: start\n");
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    print("cpuid 1: sep %u\n", (d >> 11) & 1);
    wrmsr(MSR_SYSENTER_CS, SEL_KCODE);
    wrmsr(MSR_SYSENTER_ESP, (u32)(sysenter_stack + sizeof(sysenter_stack)));
    wrmsr(MSR_SYSENTER_EIP, (u32)sysenter_entry);
    iomap_allow_console();
    run_user(user_main, 0x202);
    wrmsr(MSR_SYSENTER_CS, 0);
    run_user(user_sysenter_cs_zero, 0x202);
    TRY("sysexit", ::"c"(0), "d"(0) : "memory");
    fault_expect("kernel sysexit with sysenter_cs 0", 13, 0);
}
