/* rm_devices: the PC platform seen from real mode by direct port I/O, no BIOS calls.
   PIC (8259A), PIT (8254), CMOS RTC (MC146818), UART (16550A), PCI configuration mechanism #1,
   i8042 keyboard controller and port 0x92 fast A20. Prints only results that do not depend on time
   or on the machine's speed; rates are checked against a loose range. */
    .intel_syntax noprefix
    .code16
    .include "rm_macros.inc"

    PIC1_CMD = 0x20
    PIC1_DATA = 0x21
    PIC2_CMD = 0xa0
    PIC2_DATA = 0xa1
    PIT_CH0 = 0x40
    PIT_CH2 = 0x42
    PIT_MODE = 0x43
    PORT_61 = 0x61
    CMOS_INDEX = 0x70
    CMOS_DATA = 0x71
    COM1 = 0x3f8
    KBC_DATA = 0x60
    KBC_STATUS = 0x64

    .text
    .global main
main:
    PRINTLN "rm_devices: start"
    call test_pic
    call test_pit_channel2
    call test_timer_rates
    call test_sti_shadow
    call test_rtc
    call test_uart
    call test_pci
    call test_i8042
    call test_fast_a20
    call test_i8042_a20
    jmp finish

/* ---- 8259A: reinitialise with the BIOS vector bases (8259A datasheet, ICW1-ICW4) ---- */
test_pic:
    cli
    mov al, 0x11                /* ICW1: edge triggered, cascade, ICW4 needed */
    out PIC1_CMD, al
    out PIC2_CMD, al
    mov al, 0x08                /* ICW2: master vectors 08h-0Fh (IBM PC) */
    out PIC1_DATA, al
    mov al, 0x70                /* slave vectors 70h-77h (IBM PC AT) */
    out PIC2_DATA, al
    mov al, 0x04                /* ICW3: slave on IR2 */
    out PIC1_DATA, al
    mov al, 0x02                /* ICW3: slave identity 2 */
    out PIC2_DATA, al
    mov al, 0x01                /* ICW4: 8086 mode, normal EOI */
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov al, 0xff                /* OCW1: everything masked for now */
    out PIC1_DATA, al
    out PIC2_DATA, al
    mov al, 0xfa                /* OCW1: IRQ0 and the cascade (IRQ2) open */
    out PIC1_DATA, al
    mov al, 0xfe                /* slave: IRQ8 (RTC) open */
    out PIC2_DATA, al
    in al, PIC1_DATA
    PRINT "pic: master imr "
    call put_hex8
    in al, PIC2_DATA
    PRINT " slave imr "
    call put_hex8
    call newline
    mov al, 0x0b                /* OCW3: read ISR on the next read of the command port */
    out PIC1_CMD, al
    out PIC2_CMD, al
    in al, PIC1_CMD
    PRINT "pic: master isr "
    call put_hex8
    in al, PIC2_CMD
    PRINT " slave isr "
    call put_hex8
    call newline
    mov al, 0x0a                /* OCW3: back to IRR reads */
    out PIC1_CMD, al
    out PIC2_CMD, al
    ret

/* ---- 8254 channel 2: gate through port 61h, count down, OUT2 visible in port 61h bit 5 ---- */
test_pit_channel2:
    in al, PORT_61
    and al, 0xfc                /* speaker off, gate 2 off */
    out PORT_61, al
    mov al, 0xb0                /* channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count), binary */
    out PIT_MODE, al
    mov al, 0xff
    out PIT_CH2, al
    out PIT_CH2, al
    mov al, 0xe8                /* read-back: latch status of channel 2 only (8254 datasheet, read-back command) */
    out PIT_MODE, al
    in al, PIT_CH2
    and al, 0x3f                /* RW mode, mode, BCD; OUTPUT and NULL COUNT depend on timing */
    PRINT "pit: ch2 status "
    call put_hex8
    call newline
    in al, PORT_61
    or al, 0x01                 /* gate 2 on: counting starts */
    out PORT_61, al
    call pit_ch2_read
    mov bx, ax
    mov cx, 2000
1:  in al, PORT_61              /* let some time pass */
    loop 1b
    call pit_ch2_read
    cmp ax, bx
    jb 2f
    FAIL "pit channel 2 did not count down"
    jmp 3f
2:  PRINTLN "pit: ch2 counts down"
3:  mov ecx, 20000000
4:  in al, PORT_61
    test al, 0x20               /* OUT2 goes high at terminal count in mode 0 */
    jnz 5f
    dec ecx
    jnz 4b
    FAIL "pit channel 2 output never went high"
    jmp 6f
5:  PRINTLN "pit: ch2 out2 high at terminal count"
6:  in al, PORT_61
    and al, 0xfc
    out PORT_61, al
    ret

/* Counter latch command for channel 2, then low and high byte. Returns AX. */
pit_ch2_read:
    mov al, 0x80
    out PIT_MODE, al
    in al, PIT_CH2
    mov ah, al
    in al, PIT_CH2
    xchg al, ah
    ret

/* ---- Timer interrupts: PIT channel 0 in mode 2 at ~1 kHz and the RTC periodic interrupt at 1024 Hz,
   counted over one RTC second (between two seconds-register changes); nominal 1000 and 1024. ---- */
test_timer_rates:
    cli
    mov word ptr [8 * 4], offset irq0_handler   /* IVT entry 08h = IRQ0 */
    mov word ptr [8 * 4 + 2], 0
    mov word ptr [0x70 * 4], offset irq8_handler /* IVT entry 70h = IRQ8 */
    mov word ptr [0x70 * 4 + 2], 0
    mov al, 0x34                /* channel 0, lobyte/hibyte, mode 2 (rate generator), binary */
    out PIT_MODE, al
    mov ax, 1193                /* 1193182 Hz / 1193 = 1000.15 Hz */
    out PIT_CH0, al
    mov al, ah
    out PIT_CH0, al
    mov al, 0xe2                /* read-back: status of channel 0 */
    out PIT_MODE, al
    in al, PIT_CH0
    and al, 0x3f
    PRINT "pit: ch0 status "
    call put_hex8
    call newline
    mov al, 0x0b                /* RTC register B: set PIE (bit 6); rate stays as register A says */
    call cmos_read
    or al, 0x40
    mov ah, al
    mov al, 0x0b
    call cmos_write
    mov al, 0x0c                /* reading register C acknowledges pending RTC interrupts */
    call cmos_read
    sti
    call rtc_wait_second_edge
    cli
    mov word ptr [irq0_count], 0
    mov word ptr [irq8_count], 0
    mov word ptr [irq8_flags_bad], 0
    sti
    call rtc_wait_second_edge
    cli
    mov bx, [irq0_count]
    mov dx, [irq8_count]
    mov al, 0x0b                /* PIE off again */
    call cmos_read
    and al, 0xbf
    mov ah, al
    mov al, 0x0b
    call cmos_write
    /* Loose bounds: under an emulator on a loaded host, late timer callbacks lose ticks (QEMU's
       8254 does not catch up), so only gross errors (wrong divisor, mode or vector) must fail. */
    cmp bx, 250
    jb 1f
    cmp bx, 1500
    ja 1f
    PRINTLN "pit: irq0 rate ok"
    jmp 2f
1:  PRINT "FAIL: pit irq0 count per second "
    mov ax, bx
    call put_dec
    call newline
2:  cmp dx, 250
    jb 3f
    cmp dx, 1500
    ja 3f
    PRINTLN "rtc: irq8 periodic rate ok"
    jmp 4f
3:  PRINT "FAIL: rtc irq8 count per second "
    mov ax, dx
    call put_dec
    call newline
4:  cmp word ptr [irq8_flags_bad], 0
    EXPECT_EQ "rtc register C lacked IRQF|PF in the IRQ8 handler"
    ret

/* STI delays interrupt recognition until after the next instruction (SDM Vol. 2B "STI"): with IRQ0
   pending, "sti; cli" takes none, "sti; nop; cli" takes one. PIT channel 0 still runs at 1 kHz. */
test_sti_shadow:
    cli
    mov al, 0x0a                /* OCW3: read IRR */
    out PIC1_CMD, al
1:  in al, PIC1_CMD
    test al, 0x01
    jz 1b
    mov bx, [irq0_count]
    sti
    cli
    mov cx, [irq0_count]
    sti
    nop
    cli
    mov dx, [irq0_count]
    sub dx, cx
    sub cx, bx
    PRINT "sti shadow: pending irq0 taken after sti;cli "
    mov ax, cx
    call put_dec
    PRINT ", after sti;nop;cli "
    mov ax, dx
    call put_dec
    call newline
    sti
    ret

irq0_handler:
    push ax
    inc word ptr cs:[irq0_count]
    mov al, 0x20                /* non-specific EOI */
    out PIC1_CMD, al
    pop ax
    iret

irq8_handler:
    push ax
    inc word ptr cs:[irq8_count]
    mov al, 0x0c                /* register C: IRQF (bit 7) and PF (bit 6) must be set; the read clears them */
    out CMOS_INDEX, al
    in al, CMOS_DATA
    and al, 0xc0
    cmp al, 0xc0
    je 1f
    inc word ptr cs:[irq8_flags_bad]
1:  mov al, 0x20
    out PIC2_CMD, al
    out PIC1_CMD, al
    pop ax
    iret

/* Waits until the RTC seconds register changes. */
rtc_wait_second_edge:
    push ax
    push bx
    call rtc_read_seconds
    mov bl, al
1:  call rtc_read_seconds
    cmp al, bl
    je 1b
    pop bx
    pop ax
    ret

rtc_read_seconds:
    call rtc_wait_not_updating
    xor al, al
    jmp cmos_read

/* MC146818 register A bit 7 (UIP): time registers are stable while it is clear. */
rtc_wait_not_updating:
    push ax
1:  mov al, 0x0a
    call cmos_read
    test al, 0x80
    jnz 1b
    pop ax
    ret

/* AL = index → AL = value. The NMI-disable bit (7 of port 70h) is left clear. */
cmos_read:
    out CMOS_INDEX, al
    in al, CMOS_DATA
    ret

/* AL = index, AH = value. */
cmos_write:
    out CMOS_INDEX, al
    mov al, ah
    out CMOS_DATA, al
    ret

/* ---- CMOS RTC: the BIOS leaves it in BCD, 24-hour mode (IBM PC AT technical reference) ---- */
test_rtc:
    mov al, 0x0a
    call cmos_read
    and al, 0x7f
    PRINT "rtc: rega "
    call put_hex8
    call newline
    mov al, 0x0b
    call cmos_read
    and al, 0x06                /* DM (bit 2, 0 = BCD) and 24/12 (bit 1) */
    PRINT "rtc: regb mode bits "
    call put_hex8
    call newline
    mov al, 0x0d
    call cmos_read
    PRINT "rtc: regd "
    call put_hex8
    call newline
    call rtc_wait_not_updating
    xor di, di                  /* number of bad fields */
    mov si, offset rtc_fields
1:  mov al, [si]
    cmp al, 0xff
    je 3f
    call cmos_read
    call bcd_valid
    jc 2f
    cmp al, [si + 1]
    jb 2f
    cmp al, [si + 2]
    ja 2f
    add si, 3
    jmp 1b
2:  inc di
    PRINT "FAIL: rtc register "
    mov al, [si]
    call put_hex8
    PRINTLN " not a valid BCD value in range"
    add si, 3
    jmp 1b
3:  test di, di
    jnz 4f
    PRINTLN "rtc: date valid bcd"
4:  ret

    .section .rodata
/* index, min (BCD), max (BCD) */
rtc_fields:
    .byte 0x00, 0x00, 0x59      /* seconds */
    .byte 0x02, 0x00, 0x59      /* minutes */
    .byte 0x04, 0x00, 0x23      /* hours, 24-hour mode */
    .byte 0x06, 0x01, 0x07      /* day of week */
    .byte 0x07, 0x01, 0x31      /* day of month */
    .byte 0x08, 0x01, 0x12      /* month */
    .byte 0x09, 0x00, 0x99      /* year */
    .byte 0x32, 0x19, 0x21      /* century (IBM PC AT CMOS byte 32h) */
    .byte 0xff
    .text

/* ---- 16550A: scratch register, IIR with FIFOs, LSR when idle, loopback as Linux's 8250 probe does ---- */
test_uart:
    mov dx, COM1 + 7
    mov al, 0x5a
    out dx, al
    in al, dx
    cmp al, 0x5a
    EXPECT_EQ "uart scratch register"
    mov dx, COM1 + 5            /* wait for LSR.TEMT: transmitter completely idle */
1:  in al, dx
    test al, 0x40
    jz 1b
    PRINT "uart: lsr idle "
    call put_hex8
    call newline
2:  in al, dx                   /* the print above is in flight again: wait once more */
    test al, 0x40
    jz 2b
    mov dx, COM1 + 2
    in al, dx
    mov bl, al
    mov dx, COM1 + 4            /* MCR: LOOP | OUT2 | RTS (Linux serial8250 autoconfig) */
    mov al, 0x1a
    out dx, al
    mov dx, COM1 + 6
    in al, dx
    and al, 0xf0                /* loopback: RTS → CTS, OUT2 → DCD */
    mov bh, al
    mov dx, COM1                /* a byte sent in loopback comes back in RBR */
    mov al, 0xa5
    out dx, al
    mov dx, COM1 + 5
    mov cx, 0xffff
3:  in al, dx
    test al, 0x01
    jnz 4f
    loop 3b
4:  mov dx, COM1
    in al, dx
    mov cl, al
    mov dx, COM1 + 4
    mov al, 0x03
    out dx, al
    PRINT "uart: iir "
    mov al, bl
    call put_hex8
    PRINT " loopback msr "
    mov al, bh
    call put_hex8
    PRINT " echo "
    mov al, cl
    call put_hex8
    call newline
    PRINTLN "uart: scratch ok"
    ret

/* ---- PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, §3.2.2.3.2) ---- */
test_pci:
    xor bx, bx                  /* BH = device, BL = function */
1:  call pci_read_id
    cmp ax, 0xffff
    jne 2f
    test bl, bl                 /* no function 0: no device; a missing function n > 0: try the next */
    jz 4f
    jmp 3f
2:
    PRINT "pci: 00:"
    mov al, bh
    call put_hex8
    mov al, '.'
    call putc
    mov al, bl
    add al, '0'
    call putc
    mov al, ' '
    call putc
    call pci_read_id
    push eax
    call put_hex16
    mov al, ':'
    call putc
    pop eax
    shr eax, 16
    call put_hex16
    PRINT " class "
    mov cl, 0x08
    call pci_read
    shr eax, 16                 /* class code and subclass */
    call put_hex16
    call newline
    test bl, bl
    jnz 3f
    mov cl, 0x0c                /* header type bit 7: multi-function device */
    call pci_read
    test eax, 0x00800000
    jz 4f
3:  inc bl
    cmp bl, 8
    jb 1b
4:  xor bl, bl
    inc bh
    cmp bh, 32
    jb 1b
    ret

pci_read_id:
    mov cl, 0
/* BH = device, BL = function, CL = register → EAX. */
pci_read:
    push dx
    mov eax, 0x80000000
    movzx edx, bh
    shl edx, 11
    or eax, edx
    movzx edx, bl
    shl edx, 8
    or eax, edx
    movzx edx, cl
    or eax, edx
    mov dx, 0xcf8
    out dx, eax
    mov dx, 0xcfc
    in eax, dx
    pop dx
    ret

/* ---- i8042 and the PS/2 keyboard (IBM PC AT technical reference, 8042 commands) ---- */
test_i8042:
    call kbc_flush
    mov al, 0xad                /* keyboard interface off while we talk to the controller */
    call kbc_command
    call kbc_flush
    mov al, 0xaa                /* controller self-test → 55h */
    call kbc_command
    call kbc_read
    PRINT "i8042: self-test "
    call put_hex8
    call newline
    mov al, 0xab                /* keyboard interface test → 00h */
    call kbc_command
    call kbc_read
    PRINT "i8042: interface test "
    call put_hex8
    call newline
    mov al, 0xae                /* keyboard interface on */
    call kbc_command
    call kbc_flush
    mov al, 0xff                /* keyboard reset → FAh (ack), AAh (basic assurance test passed) */
    call kbd_send
    call kbc_read
    PRINT "kbd: reset "
    call put_hex8
    call kbc_read
    mov ah, al
    mov al, ' '
    call putc
    mov al, ah
    call put_hex8
    call newline
    mov al, 0xee                /* echo → EEh */
    call kbd_send
    call kbc_read
    PRINT "kbd: echo "
    call put_hex8
    call newline
    ret

/* ---- Port 92h fast A20 (PS/2 system control port A): bit 1 gates address line 20 ---- */
test_fast_a20:
    cli
    push ds
    push es
    xor ax, ax
    mov ds, ax
    mov ax, 0xffff
    mov es, ax
    in al, 0x92
    mov bl, al
    or al, 0x02
    and al, 0xfe                /* never write bit 0: fast reset */
    out 0x92, al
    call a20_aliases
    mov cl, al
    in al, 0x92
    and al, 0xfc
    out 0x92, al
    call a20_aliases
    mov ch, al
    mov al, bl
    and al, 0xfe
    out 0x92, al
    pop es
    pop ds
    sti
    PRINT "a20: port92 on wraps "
    mov al, cl
    call put_hex8
    PRINT " off wraps "
    mov al, ch
    call put_hex8
    call newline
    ret

/* ---- A20 through the i8042 output port (IBM PC AT technical reference: command D0h reads the
   output port, D1h writes it; bit 1 gates A20, bit 0 must stay 1 or the system resets) ---- */
test_i8042_a20:
    cli
    call kbc_flush
    mov al, 0xd1
    call kbc_command
    mov al, 0xdd                /* A20 off */
    call kbd_send
    call a20_aliases_here
    mov cl, al
    mov al, 0xd0
    call kbc_command
    call kbc_read
    mov ch, al
    mov al, 0xd1
    call kbc_command
    mov al, 0xdf                /* A20 on */
    call kbd_send
    call a20_aliases_here
    mov bl, al
    mov al, 0xd0
    call kbc_command
    call kbc_read
    mov bh, al
    sti
    PRINT "a20: i8042 output port off: bit1 "
    mov al, ch
    shr al, 1
    and al, 1
    call put_hex8
    PRINT " wraps "
    mov al, cl
    call put_hex8
    PRINT ", on: bit1 "
    mov al, bh
    shr al, 1
    and al, 1
    call put_hex8
    PRINT " wraps "
    mov al, bl
    call put_hex8
    call newline
    ret

a20_aliases_here:
    push ds
    push es
    xor ax, ax
    mov ds, ax
    mov ax, 0xffff
    mov es, ax
    call a20_aliases
    pop es
    pop ds
    ret

/* DS = 0, ES = FFFFh. AL = 1 if FFFF:0510 (= 100500h) aliases 0000:0500, else 0. */
a20_aliases:
    mov dl, [0x500]
    mov byte ptr [0x500], 0x5a
    mov byte ptr es:[0x510], 0xa5
    xor al, al
    cmp byte ptr [0x500], 0xa5
    jne 1f
    mov al, 1
1:  mov [0x500], dl
    ret

    .bss
irq0_count: .word 0
irq8_count: .word 0
irq8_flags_bad: .word 0
