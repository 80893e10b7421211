/* Multiboot1 entry and exception stubs of the 32-bit guests. QEMU's -kernel (and RealVM's Multiboot
   loader) enters _start in 32-bit protected mode, flat segments, paging off, EAX = 2BADB002h
   (Multiboot Specification 0.6.96, §3.2 "Machine state"). */
    .intel_syntax noprefix
    .code32

    .section .multiboot, "a"
    .balign 4
    .long 0x1badb002            /* magic */
    .long 0                     /* flags: an ELF kernel needs none */
    .long -0x1badb002           /* checksum */

    .text
    .global _start
_start:
    mov esp, offset kernel_stack_top
    cld
    call guest_start
1:  cli
    hlt
    jmp 1b

/* LGDT of the common GDT, then reload every segment register (SDM Vol. 3A §3.4.3). */
    .global gdt_load
gdt_load:                       /* void gdt_load(const void* gdtr) */
    mov eax, [esp + 4]
    lgdt [eax]
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    jmp 0x08:1f
1:  ret

/* One 16-byte stub per vector: a zero error code where the CPU pushes none (SDM Vol. 3A §6.13), the
   vector, then the common path. C finds stub v at isr_stubs + 16 * v. */
    .balign 16
    .global isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21)
    .else
    push 0
    .endif
    push offset vec
    jmp isr_common
    .set vec, vec + 1
    .endr

isr_common:
    pusha
    push ds
    push es
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    cld
    push esp
    call exception_dispatch
    add esp, 4
    pop es
    pop ds
    popa
    add esp, 8                  /* vector and error code */
    iret

    .bss
    .balign 16
    .skip 16384
    .global kernel_stack_top
kernel_stack_top:
    .skip 16384
    .global trap_stack_top
trap_stack_top:
    .skip 16384
    .global ist_stack_top
ist_stack_top:
    .skip 16384
    .global user_stack_top
user_stack_top:

    .section .note.GNU-stack, "", @progbits
