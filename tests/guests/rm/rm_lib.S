/* Serial output and the exit path shared by the real-mode guests (direct port I/O, no BIOS). */
    .intel_syntax noprefix
    .code16
    .include "rm_macros.inc"

    COM1 = 0x3f8
    DEBUG_EXIT_PORT = 0xf4

    .text
/* 16550A: 115200 baud 8N1, FIFOs on, polled (16550A datasheet: LCR.DLAB, DLL/DLM, FCR). */
    .global serial_init
serial_init:
    push ax
    push dx
    mov dx, COM1 + 1            /* IER: no UART interrupts */
    xor al, al
    out dx, al
    mov dx, COM1 + 3            /* LCR.DLAB = 1 */
    mov al, 0x80
    out dx, al
    mov dx, COM1                /* DLL = 1: 115200 baud */
    mov al, 1
    out dx, al
    mov dx, COM1 + 1            /* DLM = 0 */
    xor al, al
    out dx, al
    mov dx, COM1 + 3            /* 8 data bits, no parity, 1 stop bit, DLAB = 0 */
    mov al, 0x03
    out dx, al
    mov dx, COM1 + 2            /* FCR: enable and clear FIFOs */
    mov al, 0xc7
    out dx, al
    mov dx, COM1 + 4            /* MCR: DTR, RTS */
    mov al, 0x03
    out dx, al
    pop dx
    pop ax
    ret

/* AL = character; waits for LSR.THRE (bit 5). */
    .global putc
putc:
    push dx
    push ax
    mov dx, COM1 + 5
1:  in al, dx
    test al, 0x20
    jz 1b
    pop ax
    mov dx, COM1
    out dx, al
    pop dx
    ret

/* DS:SI = NUL-terminated string. */
    .global puts
puts:
    push ax
    push si
1:  lodsb
    test al, al
    jz 2f
    call putc
    jmp 1b
2:  pop si
    pop ax
    ret

/* Low nibble of AL as a hex digit. */
put_nibble:
    push ax
    and al, 0x0f
    add al, '0'
    cmp al, '9'
    jbe 1f
    add al, 'a' - '9' - 1
1:  call putc
    pop ax
    ret

    .global put_hex8
put_hex8:
    push ax
    push ax
    shr al, 4
    call put_nibble
    pop ax
    call put_nibble
    pop ax
    ret

    .global put_hex16
put_hex16:
    push ax
    xchg al, ah
    call put_hex8
    xchg al, ah
    call put_hex8
    pop ax
    ret

    .global put_hex32
put_hex32:
    push eax
    ror eax, 16
    call put_hex16
    ror eax, 16
    call put_hex16
    pop eax
    ret

/* AX = unsigned number, printed in decimal. */
    .global put_dec
put_dec:
    push ax
    push cx
    push dx
    push bx
    mov bx, 10
    xor cx, cx
1:  xor dx, dx
    div bx
    push dx
    inc cx
    test ax, ax
    jnz 1b
2:  pop ax
    add al, '0'
    call putc
    loop 2b
    pop bx
    pop dx
    pop cx
    pop ax
    ret

    .global newline
newline:
    push ax
    mov al, '\n'
    call putc
    pop ax
    ret

/* CF set unless both nibbles of AL are decimal digits (a valid packed-BCD byte). */
    .global bcd_valid
bcd_valid:
    push ax
    mov ah, al
    and al, 0x0f
    cmp al, 9
    ja 1f
    shr ah, 4
    cmp ah, 9
    ja 1f
    pop ax
    clc
    ret
1:  pop ax
    stc
    ret

/* ---- i8042 helpers (IBM PC AT technical reference: status port 64h bit 0 = output buffer full,
   bit 1 = input buffer full) ---- */
    .global kbc_wait_input_empty
kbc_wait_input_empty:
    push ax
    push ecx
    mov ecx, 1000000
1:  in al, 0x64
    test al, 0x02
    jz 2f
    dec ecx
    jnz 1b
2:  pop ecx
    pop ax
    ret

    .global kbc_command
kbc_command:
    call kbc_wait_input_empty
    out 0x64, al
    ret

    .global kbd_send
kbd_send:
    call kbc_wait_input_empty
    out 0x60, al
    ret

/* Waits for the output buffer: AL = the byte, or FFh and a FAIL line after a timeout. */
    .global kbc_read
kbc_read:
    push ecx
    mov ecx, 1000000
1:  in al, 0x64
    test al, 0x01
    jnz 2f
    dec ecx
    jnz 1b
    FAIL "i8042 output buffer stayed empty"
    mov al, 0xff
    pop ecx
    ret
2:  in al, 0x60
    pop ecx
    ret

    .global kbc_flush
kbc_flush:
    push ax
1:  in al, 0x64
    test al, 0x01
    jz 2f
    in al, 0x60
    jmp 1b
2:  pop ax
    ret

/* The last line and the exit: QEMU's isa-debug-exit (and RealVM's port 0xF4 model) stops the machine
   with status (value << 1) | 1. */
    .global finish
finish:
    PRINTLN "done"
    mov dx, DEBUG_EXIT_PORT
    xor al, al
    out dx, al
    cli
1:  hlt
    jmp 1b
