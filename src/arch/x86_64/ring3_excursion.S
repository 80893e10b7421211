/* A short trip to a deprivileged ring and back, for the boot-time check of the deprivileging
   machinery (kernel/ring3_check.cpp): u64 ring3_excursion(u64 rip, u64 rsp, u64 cs, u64 ss) enters
   the code segment cs (64-bit ring 3, or 32-bit ring 1) at rip with stack ss:rsp and IF set, and
   returns when an exception handler resumes ring3_excursion_return with the frame rewritten
   (rsp = ring3_excursion_saved_rsp, CS/SS of ring 0); it returns RAX as the handler left it. The
   callee-saved registers live on the monitor stack meanwhile. */

    .text
    .globl ring3_excursion
ring3_excursion:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, ring3_excursion_saved_rsp(%rip)
    pushq %rcx                                /* the IRETQ frame (SDM vol. 3A, 6.14.3) */
    pushq %rsi
    pushq $0x202                              /* IF=1: timer interrupts hit the excursion */
    pushq %rdx
    pushq %rdi
    swapgs                                    /* the monitor's GS base waits in IA32_KERNEL_GS_BASE */
    iretq

    .globl ring3_excursion_return
ring3_excursion_return:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .bss
    .balign 8
    .globl ring3_excursion_saved_rsp
ring3_excursion_saved_rsp:
    .quad 0
