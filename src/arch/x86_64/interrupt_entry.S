/* One entry stub per IDT vector: push a zero error code where the CPU pushes none (SDM vol. 3A, 6.13
   "Error Code": vectors 8, 10-14, 17, 21, 29, 30 have one), push the vector, and join the common path,
   which saves all GPRs as an arch::InterruptFrame and calls interrupt_dispatch(frame).
   GS: the monitor's per-CPU base lives in IA32_GS_BASE while in ring 0; an interrupt from a less
   privileged ring (a guest) swaps it in with SWAPGS and back out on return (SDM vol. 2B, SWAPGS). */

    .macro interrupt_stub vector
    .balign 16
interrupt_stub_\vector:
    .if (\vector == 8) || ((\vector >= 10) && (\vector <= 14)) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
    .else
    pushq $0
    .endif
    pushq $\vector
    jmp interrupt_common
    .endm

    .text
    .altmacro
    .set vector, 0
    .rept 256
    interrupt_stub %vector
    .set vector, vector + 1
    .endr

interrupt_common:
    testb $3, 24(%rsp)                      /* CS of the interrupted context: ring 0? */
    jz 1f
    swapgs
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, %rdi
    cld                                     /* the ABI wants DF clear; the CPU does not clear it */
    call interrupt_dispatch                 /* the stack is 16-byte aligned here: 22 quadwords + CPU alignment */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:  add $16, %rsp                           /* vector and error code */
    iretq

    .macro stub_address vector
    .quad interrupt_stub_\vector
    .endm

    .section .rodata
    .balign 8
    .globl interrupt_stub_table
interrupt_stub_table:
    .set vector, 0
    .rept 256
    stub_address %vector
    .set vector, vector + 1
    .endr
