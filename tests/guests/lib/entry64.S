/* Multiboot1 entry of the 64-bit guests: QEMU (and RealVM's loader) enters _start in 32-bit protected
   mode (Multiboot Specification 0.6.96 §3.2); this code enables long mode as Intel SDM Vol. 3A
   §11.8.5 "Initializing IA-32e Mode" describes: CR4.PAE, CR3 = PML4, EFER.LME, CR0.PG, then a far
   jump to a 64-bit code segment. The boot tables identity-map 0-1 GiB with 2-MiB pages;
   arch_init (x86_64.c) replaces them with the guests' own. */
    .intel_syntax noprefix

    .section .multiboot, "a"
    .balign 4
    .long 0x1badb002
    .long 0
    .long -0x1badb002

    .text
    .code32
    .global _start
_start:
    mov [multiboot_magic], eax  /* EAX = 2BADB002h, EBX = the Multiboot information structure */
    mov [multiboot_info], ebx
    mov esp, offset kernel_stack_top
    cld
    mov edi, offset boot_pd
    xor eax, eax
    mov ecx, 512
1:  mov edx, eax
    or edx, 0x83                /* present, writable, 2-MiB page */
    mov [edi], edx
    mov dword ptr [edi + 4], 0
    add eax, 0x200000
    add edi, 8
    loop 1b
    mov dword ptr [boot_pdpt], offset boot_pd + 3
    mov dword ptr [boot_pml4], offset boot_pdpt + 3
    mov eax, cr4
    or eax, 0x20                /* CR4.PAE */
    mov cr4, eax
    mov eax, offset boot_pml4
    mov cr3, eax
    mov ecx, 0xc0000080         /* IA32_EFER.LME */
    rdmsr
    or eax, 0x100
    wrmsr
    mov eax, cr0
    or eax, 0x80000001          /* CR0.PG | CR0.PE */
    mov cr0, eax
    lgdt [boot_gdtr]
    .byte 0xea                  /* ljmp 0x08:long_entry */
    .long long_entry
    .word 0x08

    .code64
long_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rsp, offset kernel_stack_top
    call guest_start
1:  cli
    hlt
    jmp 1b

/* void gdt_load(const void* gdtr): LGDT, then reload the data segments and CS (far return). */
    .global gdt_load
gdt_load:
    lgdt [rdi]
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    push 0x08
    lea rax, [rip + 1f]
    push rax
    retfq
1:  ret

/* 16-byte stubs as in entry32.S; the 64-bit frame (SDM Vol. 3A §6.14.2) always has SS:RSP. */
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
    push rax
    push rcx
    push rdx
    push rbx
    push rbp
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp                /* 16-byte aligned here: the CPU aligned RSP before its 5 pushes */
    call exception_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rbp
    pop rbx
    pop rdx
    pop rcx
    pop rax
    add rsp, 16
    iretq

/* void run_user(void (*fn)(void), uptr rflags): fn at CPL 3 in 64-bit mode via IRETQ, returning into
   user_exit (INT 80h, EAX = 0), which resumes the kernel at user_return. */
    .global run_user
run_user:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [user_return_rsp], rsp
    mov qword ptr [user_stack_top - 8], offset user_exit
    push 0x23                   /* SS = SEL_UDATA */
    push offset user_stack_top - 8
    push rsi
    push 0x2b                   /* CS = SEL_UCODE64 */
    push rdi
    iretq

    .global user_exit
user_exit:
    xor eax, eax
    int 0x80
1:  jmp 1b

    .global user_return
user_return:
    mov rsp, [user_return_rsp]
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

    .section .rodata
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit ring-0 code */
    .quad 0x00cf92000000ffff    /* 0x10: ring-0 data */
boot_gdtr:
    .word boot_gdtr - boot_gdt - 1
    .long boot_gdt

    .bss
    .balign 8
    .global multiboot_magic, multiboot_info
multiboot_magic: .skip 8
multiboot_info: .skip 8
    .balign 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd: .skip 4096
user_return_rsp: .skip 16
    .balign 16
#include "stacks.inc"

    .section .note.GNU-stack, "", @progbits
