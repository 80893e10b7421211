/* Entry from Multiboot (QEMU -kernel) and Multiboot2 (GRUB): 32-bit protected mode, paging off.
   Builds boot page tables that identity-map the first 4 GiB and map the same 4 GiB again at
   0xffff800000000000 (the monitor's range, DESIGN §3), enters long mode (Intel SDM vol. 3, 9.8.5
   "Initializing IA-32e Mode") and calls monitor_main(magic, info) at the high address. */

#define VIRT_BASE 0xffff800000000000
#define PHYS(sym) ((sym) - VIRT_BASE)

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* page-align modules, memory map, address fields */
#define MB2_MAGIC 0xE85250D6

    .section .multiboot, "a"
    .balign 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long PHYS(mb1_header)
    .long PHYS(monitor_image_start)
    .long PHYS(monitor_data_end)
    .long PHYS(monitor_bss_end)
    .long PHYS(boot_entry32)

    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long 0                                   /* i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + (mb2_header_end - mb2_header))
    .balign 8                                 /* address tag */
    .short 2, 0
    .long 24
    .long PHYS(mb2_header)
    .long PHYS(monitor_image_start)
    .long PHYS(monitor_data_end)
    .long PHYS(monitor_bss_end)
    .balign 8                                 /* entry address tag */
    .short 3, 0
    .long 12
    .long PHYS(boot_entry32)
    .balign 8                                 /* module alignment tag: page-aligned modules */
    .short 6, 0
    .long 8
    .balign 8                                 /* end tag */
    .short 0, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl boot_entry32
boot_entry32:
    cli
    cld
    mov %eax, %edi                            /* multiboot magic */
    mov %ebx, %esi                            /* multiboot information (physical) */
    mov $PHYS(boot_stack_top), %esp

    /* Long mode present? CPUID 80000001h EDX bit 29 (Intel SDM vol. 2, CPUID). */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode

    /* PML4[0] and PML4[256] -> one PDPT whose four entries cover 4 GiB with 2 MiB pages. */
    mov $PHYS(boot_pdpt), %eax
    or $3, %eax
    mov %eax, PHYS(boot_pml4)
    mov %eax, PHYS(boot_pml4) + 256 * 8
    mov $PHYS(boot_pd), %eax
    or $3, %eax
    mov $PHYS(boot_pdpt), %ebx
    mov $4, %ecx
1:  mov %eax, (%ebx)
    add $4096, %eax
    add $8, %ebx
    loop 1b
    mov $PHYS(boot_pd), %ebx
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                            /* present, writable, 2 MiB page */
    mov %eax, (%ebx, %ecx, 8)
    movl $0, 4(%ebx, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b

    mov %cr4, %eax
    or $(1 << 5), %eax                        /* CR4.PAE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx                     /* IA32_EFER.LME */
    rdmsr
    or $(1 << 8), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax                      /* PG, WP, PE */
    mov %eax, %cr0

    lgdt PHYS(boot_gdt_pointer)
    ljmp $0x08, $PHYS(boot_entry64_low)

no_long_mode:                                 /* tell COM1 and stop */
    mov $PHYS(no_long_mode_message), %esi
3:  lodsb
    test %al, %al
    jz 4f
    mov $0x3F8, %dx
    out %al, %dx
    jmp 3b
4:  hlt
    jmp 4b

    .code64
boot_entry64_low:
    movabs $boot_entry64_high, %rax
    jmp *%rax

    .text
boot_entry64_high:
    xor %eax, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    /* edi = magic, esi = info physical address: the System V arguments of monitor_main. */
    call monitor_main
5:  cli
    hlt
    jmp 5b

    .section .boot.data, "aw"
    .balign 4096
boot_pml4: .fill 512, 8, 0
boot_pdpt: .fill 512, 8, 0
boot_pd: .fill 2048, 8, 0
boot_gdt:
    .quad 0
    .quad 0x00209A0000000000                  /* 64-bit code, DPL 0 */
    .quad 0x0000920000000000                  /* data */
boot_gdt_pointer:
    .short boot_gdt_pointer - boot_gdt - 1
    .long PHYS(boot_gdt)
no_long_mode_message:
    .asciz "RealVM: this CPU has no long mode (x86-64); stopping.\r\n"

    .section .bss
    .balign 4096
    .globl boot_stack_guard                   /* left unmapped by the monitor's page tables (paging.cpp) */
boot_stack_guard:
    .fill 4096, 1, 0
boot_stack:
    .fill 16384, 1, 0
    .globl boot_stack_top
boot_stack_top:
