/* rm_modes: the mode switches boot loaders make (GRUB and SYSLINUX leave real mode for protected mode
   and come back around every BIOS call). Intel SDM Vol. 3A §11.9.1 "Switching to Protected Mode" and
   §11.9.2 "Switching Back to Real-Address Mode": "unreal" mode (a 4-GiB data segment cached across the
   return to real mode), 16-bit protected mode with a based segment, and a 32-bit protected-mode round
   trip after which the BIOS still serves INT 13h. */
    .intel_syntax noprefix
    .code16
    .include "rm_macros.inc"

    SEL_CODE16 = 0x08
    SEL_DATA4G = 0x10           /* 16-bit data segment with a 4-GiB limit (G = 1) */
    SEL_CODE32 = 0x18
    SEL_DATA32 = 0x20
    SEL_DATA_AT_64K = 0x28      /* 16-bit data, base 10000h, limit FFFFh */

    .text
    .global main
main:
    PRINTLN "rm_modes: start"
    mov ax, 0x2401              /* A20 on (RBIL INT 15/AX=2401h) for the accesses above 1 MiB */
    int 0x15
    call test_unreal
    call test_pm16
    call test_pm32_round_trip
    jmp finish

/* Enter protected mode with CS = SEL_CODE16 (16-bit code): interrupts off, GDT loaded. */
enter_pm16:
    cli
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    .byte 0xea                  /* ljmp SEL_CODE16:1f: the far jump serialises and loads CS */
    .word 1f, SEL_CODE16
1:  ret

/* From 16-bit protected mode back to real mode with CS = 0. */
leave_pm16:
    mov eax, cr0
    and al, 0xfe
    mov cr0, eax
    .byte 0xea                  /* ljmp 0000:1f */
    .word 1f, 0
1:  xor ax, ax
    mov ss, ax
    mov ds, ax
    mov es, ax
    sti
    ret

test_unreal:
    call enter_pm16
    mov ax, SEL_DATA4G
    mov fs, ax                  /* FS caches a 4-GiB limit ... */
    call leave_pm16             /* ... that stays after the return to real mode */
    mov ebx, 0x200000
    mov dword ptr fs:[ebx], 0x12345678
    mov eax, fs:[ebx]
    cmp eax, 0x12345678
    EXPECT_EQ "unreal write/read above 1 MiB"
    PRINT "unreal: fs:[200000h] reads "
    call put_hex32
    call newline
    mov ax, fs
    PRINT "unreal: fs selector "
    call put_hex16
    call newline
    xor ax, ax
    mov fs, ax
    ret

test_pm16:
    mov ax, 0x1000
    mov es, ax
    mov word ptr es:[0], 0
    call enter_pm16
    mov ax, SEL_DATA_AT_64K
    mov ds, ax
    mov word ptr [0], 0xbeef    /* linear 10000h through the segment base */
    smsw ax
    mov bx, ax
    mov ax, ss                  /* still the real-mode SS selector value: 0 */
    mov cx, ax
    xor ax, ax
    mov ds, ax                  /* a null selector in DS is fine in protected mode */
    call leave_pm16             /* DS = ES = 0 again */
    mov ax, 0x1000
    mov es, ax
    mov ax, es:[0]
    xor dx, dx
    mov es, dx
    cmp ax, 0xbeef
    EXPECT_EQ "16-bit protected-mode write through a based segment"
    PRINT "pm16: based segment write seen at 1000:0000 "
    call put_hex16
    PRINT ", msw pe "
    mov ax, bx
    and al, 1
    call put_hex8
    call newline
    ret

test_pm32_round_trip:
    mov [saved_sp], sp
    cli
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    .byte 0x66, 0xea            /* ljmp SEL_CODE32:pm32 with a 32-bit offset */
    .long pm32
    .word SEL_CODE32

    .code32
pm32:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov esp, 0x7000
    xor eax, eax                /* 32-bit work: sum 1..1000 into memory above 1 MiB */
    mov ecx, 1000
1:  add eax, ecx
    loop 1b
    mov [0x300000], eax
    .byte 0xea                  /* ljmp SEL_CODE16:back16 (32-bit offset) */
    .long back16
    .word SEL_CODE16

    .code16
back16:
    mov ax, SEL_DATA4G
    mov ds, ax
    mov es, ax
    mov ss, ax
    call leave_pm16
    mov sp, [saved_sp]
    /* DS = 0 after leave_pm16: read the sum back through an unreal FS. */
    call enter_pm16
    mov ax, SEL_DATA4G
    mov fs, ax
    call leave_pm16
    mov ebx, 0x300000
    mov eax, fs:[ebx]
    xor bx, bx
    mov fs, bx
    cmp eax, 500500
    EXPECT_EQ "32-bit protected-mode sum"
    PRINT "pm32: sum 1..1000 written above 1 MiB "
    call put_hex32
    call newline
    mov ah, 0x08                /* the BIOS still works after the round trip */
    mov dl, [boot_drive]
    push es
    xor di, di
    mov es, di
    int 0x13
    pop es
    jc 2f
    PRINTLN "pm32: back in real mode, int 13h ah=08h ok"
    ret
2:  FAIL "int 13h after the protected-mode round trip"
    ret

    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00009a000000ffff    /* 0x08: 16-bit code, base 0, limit FFFFh */
    .quad 0x008f92000000ffff    /* 0x10: 16-bit data, base 0, limit 4 GiB (G) */
    .quad 0x00cf9a000000ffff    /* 0x18: 32-bit code, flat */
    .quad 0x00cf92000000ffff    /* 0x20: 32-bit data, flat */
    .quad 0x000092010000ffff    /* 0x28: 16-bit data, base 10000h, limit FFFFh */
gdtr:
    .word gdtr - gdt - 1
    .long gdt

    .bss
saved_sp: .word 0
