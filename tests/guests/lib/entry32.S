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
    mov [multiboot_magic], eax  /* EAX = 2BADB002h, EBX = the Multiboot information structure */
    mov [multiboot_info], ebx
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

/* void run_user(void (*fn)(void), uptr eflags): runs fn at CPL 3 through IRET (SDM Vol. 3A §6.12.1:
   the inter-privilege frame SS, ESP, EFLAGS, CS, EIP) on the user stack; fn returns into user_exit,
   whose INT 80h with EAX = 0 brings the kernel back to user_return. */
    .global run_user
run_user:
    push ebp
    push ebx
    push esi
    push edi
    mov [user_return_esp], esp
    mov eax, [esp + 20]
    mov ecx, [esp + 24]
    mov dword ptr [user_stack_top - 4], offset user_exit
    push 0x23                   /* SS = SEL_UDATA */
    push offset user_stack_top - 4
    push ecx
    push 0x1b                   /* CS = SEL_UCODE32 */
    push eax
    mov dx, 0x23
    mov ds, dx
    mov es, dx
    iret

    .global user_exit
user_exit:
    xor eax, eax
    int 0x80
1:  jmp 1b

/* Reached at CPL 0 on the trap stack when exception_dispatch handles the exit call. */
    .global user_return
user_return:
    mov esp, [user_return_esp]
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

    .bss
    .balign 8
    .global multiboot_magic, multiboot_info
multiboot_magic: .skip 8
multiboot_info: .skip 8
    .balign 16
user_return_esp:
    .skip 16
#include "stacks.inc"

    .section .note.GNU-stack, "", @progbits
