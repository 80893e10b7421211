/* Boot sector of every real-mode guest. The BIOS loads sector 0 at 0000:7C00 and jumps to it with
   DL = boot drive (IBM PC BIOS boot convention, INT 19h). We load the rest of the image with
   INT 13h AH=02h (CHS read, Ralf Brown's interrupt list INT 13/AH=02h): cylinder 0, head 0, from
   sector 2 on; the guest stays below 60 sectors, within one track of any translated geometry. */
    .intel_syntax noprefix
    .code16
    .section .boot, "ax"
    .global _start
_start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    /* ljmp 0000:1f — some BIOSes enter at 07C0:0000. */
    .byte 0xea
    .word 1f, 0
1:  mov [boot_drive], dl
    sti
    mov ah, 0x02
    mov al, offset __load_sectors
    mov cx, 0x0002              /* CH = cylinder 0, CL = sector 2 */
    xor dh, dh                  /* head 0 */
    mov bx, 0x7e00
    int 0x13
    jc load_failed
    call serial_init
    jmp main

/* Without the rest of the image, no library: say so on COM1 directly and exit with status 1. */
load_failed:
    mov si, offset load_failed_text
    mov dx, 0x3f8
2:  lodsb
    test al, al
    jz 3f
    out dx, al
    jmp 2b
3:  mov dx, 0xf4
    mov al, 1
    out dx, al
4:  hlt
    jmp 4b
load_failed_text:
    .asciz "FAIL: boot sector could not load the guest\n"

    .global boot_drive
boot_drive:
    .byte 0

    .org 510
    .word 0xaa55
