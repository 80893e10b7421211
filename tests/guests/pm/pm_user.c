/* pm_user: ring 3 in 32-bit protected mode with 2-level paging. IRET to CPL 3 and the stack switch
   through TSS.ESP0 (Intel SDM Vol. 3A §6.12.1), a DPL-3 system-call gate and DPL-0 gates (§6.12.1.1),
   user/supervisor page protection (§5.6) with the #PF error codes, IOPL and the TSS I/O permission
   bitmap (Vol. 1 §19.5), and the privileged instructions that #GP(0) at CPL 3. User code prints
   through COM1 itself: the I/O bitmap lets it. */
#include "guest.h"

#define PAGE 4096u
#define P 0x001u
#define RW 0x002u
#define US 0x004u
#define PS 0x080u

static volatile u32 pd[1024] __attribute__((aligned(PAGE)));
static volatile u32 pt_low[1024] __attribute__((aligned(PAGE)));
static volatile u32 supervisor_page[1024] __attribute__((aligned(PAGE)));
static volatile u32 readonly_page[1024] __attribute__((aligned(PAGE)));
static volatile u32 absent_page[1024] __attribute__((aligned(PAGE)));

static volatile u32 matrix_page[1024] __attribute__((aligned(PAGE)));

static volatile uptr syscall_cs, syscall_ss, syscall_frame_on_trap_stack, syscall_user_sp_ok;

static volatile u32* pte_of(volatile void* p) { return &pt_low[(uptr)p >> 12]; }

static void syscall_handler(struct frame* f) {
    syscall_cs = f->cs;
    syscall_ss = f->ss;
    uptr here = (uptr)f;
    syscall_frame_on_trap_stack = here < (uptr)trap_stack_top && here >= (uptr)trap_stack_top - 16384;
    syscall_user_sp_ok = f->sp < (uptr)user_stack_top && f->sp >= (uptr)user_stack_top - 16384;
    f->ax = f->bx + 1;
}

static void user_basics(void) {
    u16 cs, ss;
    asm volatile("mov %0, cs" : "=r"(cs));
    asm volatile("mov %0, ss" : "=r"(ss));
    print("user: cs %x ss %x cpl %u\n", cs, ss, cs & 3);
    u32 result;
    asm volatile("int 0x80" : "=a"(result) : "a"(1), "b"(41) : "memory");
    print("user: int 0x80 returned %u\n", result);
}

static void user_gates(void) {
    TRY("int 0x81", ::: "memory");
    fault_expect("user int 0x81 (dpl 0 gate)", 13, 0x81 * 8 + 2);
    TRY("int3", ::: "memory");
    fault_expect("user int3 (dpl 0 gate)", 13, 3 * 8 + 2);
    idt_set_gate(3, GATE_INTERRUPT, 3, 0); /* the page is user-accessible: CPL 3 may write the IDT here */
    TRY("int3", ::: "memory");
    fault_expect("user int3 (dpl 3 gate)", 3, 0);
}

static void user_pages(void) {
    fault_cr2_expected = (uptr)supervisor_page;
    TRY("mov eax, [%0]", ::"r"(supervisor_page) : "eax", "memory");
    fault_expect("user read supervisor page", 14, 5);
    fault_cr2_expected = (uptr)supervisor_page;
    TRY("mov dword ptr [%0], 1", ::"r"(supervisor_page) : "memory");
    fault_expect("user write supervisor page", 14, 7);
    fault_cr2_expected = (uptr)readonly_page;
    TRY("mov eax, [%0]", ::"r"(readonly_page) : "eax", "memory");
    fault_expect("user read read-only page", -1, 0);
    fault_cr2_expected = (uptr)readonly_page;
    TRY("mov dword ptr [%0], 1", ::"r"(readonly_page) : "memory");
    fault_expect("user write read-only page", 14, 7);
    fault_cr2_expected = (uptr)absent_page;
    TRY("mov eax, [%0]", ::"r"(absent_page) : "eax", "memory");
    fault_expect("user read not-present page", 14, 4);
    fault_cr2_expected = (uptr)absent_page;
    TRY("mov dword ptr [%0], 1", ::"r"(absent_page) : "memory");
    fault_expect("user write not-present page", 14, 6);
    fault_cr2_expected = (uptr)absent_page;
    TRY("jmp %0", ::"r"(absent_page) : "memory");
    fault_expect("user fetch not-present page", 14, 4);
    fault_cr2_expected = 0;
}

static void user_privileged(void) {
    TRY("cli", ::: "memory");
    fault_expect("user cli, iopl 0", 13, 0);
    TRY("hlt", ::: "memory");
    fault_expect("user hlt", 13, 0);
    TRY("mov eax, cr3", ::: "eax", "memory");
    fault_expect("user mov eax, cr3", 13, 0);
    TRY("mov cr0, eax", ::"a"(0x80000011) : "memory");
    fault_expect("user mov cr0, eax", 13, 0);
    TRY("lidt [esp]", ::: "memory");
    fault_expect("user lidt", 13, 0);
    TRY("wrmsr", ::"c"(MSR_EFER), "a"(0), "d"(0) : "memory");
    fault_expect("user wrmsr", 13, 0);
    TRY("invlpg [eax]", ::"a"(0) : "memory");
    fault_expect("user invlpg", 13, 0);
    TRY("mov ds, ax", ::"a"(SEL_KDATA) : "memory");
    fault_expect("user mov ds, kernel data", 13, SEL_KDATA);
    TRY("mov ss, ax", ::"a"(SEL_KDATA) : "memory");
    fault_expect("user mov ss, kernel data", 13, SEL_KDATA);
    TRY(".byte 0xea\n .long 0\n .word 0x08", ::: "memory"); /* ljmp 0x08:0 */
    fault_expect("user ljmp kernel code", 13, SEL_KCODE);
}

static void user_io(void) {
    TRY("in al, 0x80", ::: "eax", "memory");
    fault_expect("user in 0x80, iopl 0, bitmap allows", -1, 0);
    TRY("in al, 0x81", ::: "eax", "memory");
    fault_expect("user in 0x81, iopl 0, bitmap denies", 13, 0);
    TRY("in ax, 0x7f", ::: "eax", "memory"); /* every byte of the access must be allowed */
    fault_expect("user in ax 0x7f, iopl 0, bitmap half", 13, 0);
    TRY("out 0x80, al", ::"a"(0) : "memory");
    fault_expect("user out 0x80, iopl 0, bitmap allows", -1, 0);
}

static void user_iopl3(void) {
    TRY("cli\n sti", ::: "memory");
    fault_expect("user cli/sti, iopl 3", -1, 0);
    TRY("in al, 0x81", ::: "eax", "memory");
    fault_expect("user in 0x81, iopl 3", -1, 0);
    TRY("hlt", ::: "memory");
    fault_expect("user hlt, iopl 3", 13, 0);
}

/* " ok" or " pf<error code>" for the last TRY. */
static void matrix_result(const char* access) {
    if (last_fault.vector < 0)
        print(" %s ok", access);
    else if (last_fault.vector == 14 && last_fault.cr2 == (uptr)matrix_page)
        print(" %s pf%lx", access, last_fault.error);
    else
        print(" %s vector %d", access, last_fault.vector);
}

static void user_matrix_access(void) {
    TRY("mov eax, [%0]", ::"r"(matrix_page) : "eax", "memory");
    matrix_result("ur");
    TRY("mov dword ptr [%0], 0", ::"r"(matrix_page) : "memory");
    matrix_result("uw");
}

/* Every combination of P, R/W and U/S in the PTE against supervisor reads, supervisor writes with
   CR0.WP 0 and 1, user reads and user writes (SDM Vol. 3A §5.6 "Access Rights", §5.7 error codes). */
static void test_permission_matrix(void) {
    volatile u32* pte = pte_of(matrix_page);
    for (u32 combo = 0; combo < 8; combo++) {
        u32 p = combo & 1, rw = (combo >> 1) & 1, us = (combo >> 2) & 1;
        *pte = (u32)matrix_page | (p ? P : 0) | (rw ? RW : 0) | (us ? US : 0);
        invlpg(matrix_page);
        print("matrix p%u rw%u us%u:", p, rw, us);
        TRY("mov eax, [%0]", ::"r"(matrix_page) : "eax", "memory");
        matrix_result("sr");
        TRY("mov dword ptr [%0], 0", ::"r"(matrix_page) : "memory");
        matrix_result("sw(wp0)");
        write_cr0(read_cr0() | CR0_WP);
        TRY("mov dword ptr [%0], 0", ::"r"(matrix_page) : "memory");
        matrix_result("sw(wp1)");
        write_cr0(read_cr0() & ~CR0_WP);
        run_user(user_matrix_access, 0x2);
        print("\n");
    }
    *pte = (u32)matrix_page | P | RW | US;
    invlpg(matrix_page);
}

void guest_main(void) {
    print("pm_user: start\n");
    for (u32 i = 0; i < 1024; i++)
        pt_low[i] = i * PAGE | P | RW | US;
    pd[0] = (u32)pt_low | P | RW | US;
    pd[1] = 0x00400000 | P | RW | US | PS;
    *pte_of(supervisor_page) &= ~US;
    *pte_of(readonly_page) &= ~RW;
    *pte_of(absent_page) &= ~P;
    write_cr4(read_cr4() | CR4_PSE);
    write_cr3((uptr)pd);
    write_cr0(read_cr0() | CR0_PG);
    iomap_allow_console();
    iomap_set(0x80, true);
    vector_handlers[0x80] = syscall_handler;

    run_user(user_basics, 0x2);
    print("kernel: int 0x80 frame cs %lx ss %lx, on tss.esp0 stack %lu, user esp saved %lu\n", syscall_cs,
          syscall_ss, syscall_frame_on_trap_stack, syscall_user_sp_ok);
    run_user(user_gates, 0x2);
    run_user(user_pages, 0x2);
    run_user(user_privileged, 0x2);
    run_user(user_io, 0x2);
    run_user(user_iopl3, 0x2 | FLAGS_IOPL3);
    test_permission_matrix();
    print("kernel: back at cpl 0, cs %x\n", ({
              u16 cs;
              asm volatile("mov %0, cs" : "=r"(cs));
              cs;
          }));
    write_cr0(read_cr0() & ~CR0_PG);
}
