/* rm_bios: BIOS services as a boot sector sees them (IBM PC/AT BIOS interface; function numbers and
   register conventions from Ralf Brown's interrupt list, RBIL). Where BIOSes legitimately differ
   (memory map layout, geometry, version numbers) only invariants are printed. */
    .intel_syntax noprefix
    .code16
    .include "rm_macros.inc"

    DISK_SECTORS = 2048         /* the image is 1 MiB (CMakeLists: truncate -s 1M) */
    DATA_LBA = 64               /* .diskdata: sectors 64 and 65, byte i of sector s = (i ^ s) & 0xff */

    .text
    .global main
main:
    PRINTLN "rm_bios: start"
    call test_int10
    call test_int13
    call test_e820
    call test_int15_sizes
    call test_a20
    call test_int12_int11
    call test_int1a
    call test_int16
    call test_int14
    call test_more
    jmp finish

/* ---- INT 10h video (RBIL INT 10/AH=00h,02h,03h,06h,08h,09h,0Eh,0Fh) ---- */
test_int10:
    mov ax, 0x0003              /* set mode 3: 80x25 colour text, clears the screen */
    int 0x10
    mov ah, 0x0f                /* get mode: AL = mode, AH = columns, BH = page */
    int 0x10
    PRINT "int10 0f: mode "
    call put_hex8
    PRINT " cols "
    mov al, ah
    call put_hex8
    PRINT " page "
    mov al, bh
    call put_hex8
    call newline
    push es
    mov ax, 0xb800
    mov es, ax
    mov ax, es:[0]
    pop es
    PRINT "int10 00: cleared cell "
    call put_hex16
    call newline
    mov ah, 0x02                /* set cursor: page 0, row 5, column 10 */
    xor bh, bh
    mov dx, 0x050a
    int 0x10
    call print_cursor
    mov si, offset teletype_text /* teletype: "abc", CR, LF, "de" */
1:  lodsb
    test al, al
    jz 2f
    mov ah, 0x0e
    xor bh, bh
    int 0x10
    jmp 1b
2:  call print_cursor
    push es                     /* the characters went to B800:(row * 80 + col) * 2 with the attribute kept */
    mov ax, 0xb800
    mov es, ax
    mov ax, es:[(5 * 80 + 10) * 2]
    PRINT "int10 0e: cell 5,10 "
    call put_hex16
    mov ax, es:[(6 * 80 + 1) * 2]
    PRINT " cell 6,1 "
    call put_hex16
    call newline
    pop es
    mov ah, 0x02                /* write 'X' with attribute 1Fh at row 1, column 3, read it back */
    xor bh, bh
    mov dx, 0x0103
    int 0x10
    mov ax, 0x0958
    mov bx, 0x001f
    mov cx, 1
    int 0x10
    mov ah, 0x08
    xor bh, bh
    int 0x10
    PRINT "int10 09/08: char attr "
    call put_hex16
    call newline
    mov ax, 0x0601              /* scroll the whole screen up by one line, blank attribute 07h */
    mov bh, 0x07
    xor cx, cx
    mov dx, 0x184f
    int 0x10
    push es
    mov ax, 0xb800
    mov es, ax
    mov ax, es:[(0 * 80 + 3) * 2]
    PRINT "int10 06: cell 0,3 "
    call put_hex16
    mov ax, es:[(24 * 80 + 0) * 2]
    PRINT " cell 24,0 "
    call put_hex16
    call newline
    pop es
    mov ax, [0x449]             /* BIOS data area: 449h mode, 44Ah columns, 450h cursor of page 0 */
    PRINT "bda: mode "
    call put_hex8
    mov ax, [0x44a]
    PRINT " cols "
    call put_hex16
    mov ax, [0x450]
    PRINT " cursor "
    call put_hex16
    call newline
    ret

print_cursor:
    mov ah, 0x03                /* get cursor: DH = row, DL = column */
    xor bh, bh
    int 0x10
    PRINT "int10 03: cursor row "
    mov al, dh
    call put_hex8
    PRINT " col "
    mov al, dl
    call put_hex8
    call newline
    ret

    .section .rodata
teletype_text: .asciz "abc\r\nde"
    .text

/* ---- INT 13h disk (RBIL INT 13/AH=00h,01h,02h,08h,41h,42h,48h; Phoenix EDD 3.0) ---- */
test_int13:
    mov dl, [boot_drive]
    PRINT "int13: boot drive "
    mov al, dl
    call put_hex8
    call newline
    xor ah, ah                  /* reset */
    int 0x13
    jc 1f
    PRINTLN "int13 00: ok"
    jmp 2f
1:  FAIL "int13 00 reset"
2:  mov ah, 0x08                /* parameters: CH/CL cylinders and sectors, DH max head, DL drives */
    mov dl, [boot_drive]
    push es
    xor di, di
    mov es, di
    int 0x13
    pop es
    jc 3f
    mov al, cl
    and ax, 0x3f
    mov [spt], ax
    movzx ax, dh
    inc ax
    mov [heads], ax
    cmp word ptr [spt], 0
    je 3f
    test dl, dl
    jz 3f
    PRINTLN "int13 08: ok, drives >= 1, sectors per track >= 1"
    jmp 4f
3:  FAIL "int13 08 parameters"
4:  mov ah, 0x41                /* extensions present? BX = AA55h, CX bit 0 = packet access */
    mov bx, 0x55aa
    mov dl, [boot_drive]
    int 0x13
    jc 5f
    PRINT "int13 41: bx "
    mov ax, bx
    call put_hex16
    PRINT " packet access "
    mov ax, cx
    and al, 1
    call put_hex8
    call newline
    jmp 6f
5:  FAIL "int13 41 extensions"
6:  mov word ptr [edd_params], 0x1a  /* get drive parameters: total sectors, bytes per sector */
    mov si, offset edd_params
    mov ah, 0x48
    mov dl, [boot_drive]
    int 0x13
    jc 7f
    PRINT "int13 48: sectors "
    mov eax, [edd_params + 0x10]
    call put_hex32
    PRINT " bytes per sector "
    mov ax, [edd_params + 0x18]
    call put_hex16
    call newline
    jmp 8f
7:  FAIL "int13 48 parameters"
8:  mov dword ptr [dap_lba], DATA_LBA  /* LBA read of the two known sectors */
    mov word ptr [dap_count], 2
    call read_lba
    jc 9f
    PRINT "int13 42: lba 64 count "
    mov ax, [dap_count]
    call put_hex16
    call newline
    mov si, offset sector_buffer
    mov bx, DATA_LBA
    call check_pattern
    mov si, offset sector_buffer + 512
    mov bx, DATA_LBA + 1
    call check_pattern
    jmp 10f
9:  FAIL "int13 42 read"
10: mov ax, DATA_LBA + 1        /* CHS read of LBA 65 through the geometry AH=08h reported */
    xor dx, dx
    div word ptr [spt]
    inc dx
    mov cl, dl                  /* sector (1-based); cylinders < 256 for this small disk */
    xor dx, dx
    div word ptr [heads]
    mov dh, dl                  /* head */
    mov ch, al                  /* cylinder */
    mov bx, offset sector_buffer
    mov dl, [boot_drive]
    mov ax, 0x0201
    int 0x13
    jc 11f
    PRINT "int13 02: chs read count "
    call put_hex8
    call newline
    mov si, offset sector_buffer
    mov bx, DATA_LBA + 1
    call check_pattern
    jmp 12f
11: FAIL "int13 02 read"
12: mov dword ptr [dap_lba], DISK_SECTORS - 1  /* last sector: zeros */
    mov word ptr [dap_count], 1
    call read_lba
    jc 13f
    PRINTLN "int13 42: last sector read ok"
    jmp 14f
13: FAIL "int13 42 read of the last sector"
14: mov dword ptr [dap_lba], DISK_SECTORS + 16  /* beyond the end: CF and an error in AH */
    mov word ptr [dap_count], 1
    call read_lba
    jnc 15f
    /* The error code itself is BIOS-specific (SeaBIOS: 01h): print that there is one, and that
       AH=01h reports the same code afterwards. */
    mov bl, ah
    PRINT "int13 42: beyond end cf 1, ah nonzero "
    test bl, bl
    setnz al
    call put_hex8
    call newline
    mov ah, 0x01                /* status of the last operation */
    mov dl, [boot_drive]
    int 0x13
    PRINT "int13 01: last status is that error "
    cmp ah, bl
    sete al
    call put_hex8
    call newline
    ret
15: FAIL "int13 42 beyond the end of the disk succeeded"
    ret

/* Reads [dap_count] sectors from [dap_lba] to sector_buffer; CF and AH as the BIOS returns them. */
read_lba:
    mov byte ptr [dap], 0x10
    mov byte ptr [dap + 1], 0
    mov word ptr [dap_buffer], offset sector_buffer
    mov word ptr [dap_buffer + 2], 0
    mov dword ptr [dap_lba + 4], 0
    mov si, offset dap
    mov dl, [boot_drive]
    mov ah, 0x42
    int 0x13
    ret

/* SI = sector in memory, BX = its LBA: every byte must be (i ^ lba) & 0xff. */
check_pattern:
    xor cx, cx
1:  mov al, cl
    xor al, bl
    cmp al, [si]
    jne 2f
    inc si
    inc cx
    cmp cx, 512
    jb 1b
    PRINT "int13: sector "
    mov ax, bx
    call put_dec
    PRINTLN " content ok"
    ret
2:  PRINT "FAIL: int13: sector "
    mov ax, bx
    call put_dec
    PRINT " byte "
    mov ax, cx
    call put_dec
    PRINTLN " differs"
    ret

/* ---- INT 15h E820 (ACPI 6.x §15.1, RBIL INT 15/AX=E820h): print invariants of the map only ---- */
test_e820:
    xor ebx, ebx
    xor bp, bp                  /* entries */
    mov di, offset e820_map
1:  mov eax, 0xe820
    mov edx, 0x534d4150         /* 'SMAP' */
    mov ecx, 20
    mov dword ptr [di + 16], 0
    int 0x15
    jc 3f
    cmp eax, 0x534d4150
    jne 4f
    inc bp
    add di, 20
    cmp bp, 32
    je 3f
    test ebx, ebx
    jnz 1b
3:  test bp, bp
    jnz 5f
4:  FAIL "e820 returned no map"
    ret
5:  cmp bp, 32
    jb 6f
    FAIL "e820 map longer than 32 entries"
6:  PRINTLN "e820: count >= 1, eax = SMAP"
    cmp dword ptr [e820_map], 0  /* entry 0 starts at 0, is RAM and covers 0-9FFFFh's start */
    jne 7f
    cmp dword ptr [e820_map + 4], 0
    jne 7f
    cmp dword ptr [e820_map + 16], 1
    jne 7f
    cmp dword ptr [e820_map + 8], 0x7e00
    jb 7f
    PRINTLN "e820: entry 0 base 0 type 1"
    jmp 8f
7:  FAIL "e820 entry 0 is not RAM at address 0"
8:  xor cx, cx                  /* overlapping pairs */
    xor dx, dx                  /* RAM entries touching the VGA window */
    mov dword ptr [ram_above_1m], 0
    mov word ptr [e820_i], 0
9:  mov si, [e820_i]            /* for every entry i: the VGA window check and RAM above 1 MiB */
    cmp si, bp
    jae 13f
    imul bx, si, 20
    add bx, offset e820_map
    cmp dword ptr [bx + 16], 1
    jne 10f
    push cx
    mov ecx, 0xa0000
    mov edi, 0xc0000
    call e820_entry_overlaps
    pop cx
    jnc 91f
    inc dx
91: cmp dword ptr [bx + 4], 0
    jne 10f
    cmp dword ptr [bx], 0x100000
    jb 10f
    mov eax, [bx + 8]
    shr eax, 10
    add [ram_above_1m], eax
10: mov [e820_j], si
11: inc word ptr [e820_j]       /* for every later entry j below 4 GiB: does it overlap entry i? */
    mov si, [e820_j]
    cmp si, bp
    jae 12f
    imul si, si, 20
    add si, offset e820_map
    cmp dword ptr [si + 4], 0
    jne 11b
    push cx
    mov ecx, [si]               /* entry j as [ECX, EDI) */
    mov edi, [si + 8]
    add edi, ecx
    jnc 111f
    mov edi, 0xffffffff
111: call e820_entry_overlaps
    pop cx
    jnc 11b
    inc cx
    jmp 11b
12: inc word ptr [e820_i]
    jmp 9b
13: test cx, cx
    jnz 14f
    PRINTLN "e820: no overlaps"
    jmp 15f
14: FAIL "e820 entries overlap"
15: test dx, dx
    jnz 16f
    PRINTLN "e820: vga window a0000-bffff not ram"
    jmp 17f
16: FAIL "e820 RAM entry covers the VGA window"
17: cmp dword ptr [ram_above_1m], 1024
    jb 18f
    PRINTLN "e820: ram above 1m >= 1 mib"
    ret
18: FAIL "e820 has less than 1 MiB of RAM above 1 MiB"
    ret

/* BX = entry; [ECX, EDI) a range below 4 GiB. CF set if they overlap. */
e820_entry_overlaps:
    cmp dword ptr [bx + 4], 0
    jne 1f                      /* the entry starts above 4 GiB */
    cmp [bx], edi
    jae 1f                      /* entry starts at or after the range's end */
    push eax
    mov eax, [bx]
    add eax, [bx + 8]
    jc 2f                       /* entry reaches past 4 GiB: it ends after ECX */
    cmp eax, ecx
    pop eax
    jbe 1f
    stc
    ret
2:  pop eax
    stc
    ret
1:  clc
    ret

/* ---- INT 15h E801h and 88h (RBIL INT 15/AX=E801h, AH=88h) ---- */
test_int15_sizes:
    mov ax, 0xe801
    xor bx, bx
    xor cx, cx
    xor dx, dx
    int 0x15
    jc 1f
    cmp ax, cx
    jne 1f
    cmp bx, dx
    jne 1f
    cmp ax, 0x3c00              /* KiB between 1 and 16 MiB: at most 15 MiB */
    ja 1f
    PRINTLN "int15 e801: ax = cx <= 3c00, bx = dx"
    jmp 2f
1:  FAIL "int15 e801"
2:  mov ah, 0x88
    int 0x15
    jc 3f
    cmp ax, 1024
    jb 3f
    PRINTLN "int15 88: cf 0, ax >= 1024 kib"
    ret
3:  FAIL "int15 88"
    ret

/* ---- A20 gate services (RBIL INT 15/AX=2400h-2403h), checked by the wrap of FFFF:0010 onto 0000:0000 ---- */
test_a20:
    mov ax, 0x2403              /* support: BX bit 0 keyboard controller, bit 1 port 92h */
    int 0x15
    jc 1f
    test ah, ah
    jnz 1f
    PRINTLN "int15 2403: supported"
    jmp 2f
1:  FAIL "int15 2403"
2:  mov ax, 0x2400
    call a20_call_and_check
    mov ax, 0x2401
    call a20_call_and_check
    ret

/* AX = 2400h or 2401h; prints the wrap test result and the 2402h status. */
a20_call_and_check:
    push ax
    int 0x15
    jnc 1f
    FAIL "int15 240x returned CF"
1:  pop ax
    PRINT "int15 "
    call put_hex16
    call a20_wraps
    PRINT ": wraps "
    call put_hex8
    mov ax, 0x2402
    int 0x15
    PRINT " 2402 cf "
    push ax
    setc al
    call put_hex8
    pop ax
    PRINT " al "
    call put_hex8
    call newline
    ret

/* AL = 1 if FFFF:0010 (linear 100000h with A20 on) aliases 0000:0000. */
a20_wraps:
    push ds
    push es
    push bx
    pushf
    cli
    xor ax, ax
    mov ds, ax
    mov ax, 0xffff
    mov es, ax
    mov bx, [0]
    mov word ptr es:[0x10], 0x1234
    mov word ptr [0], 0x5678
    xor al, al
    cmp word ptr es:[0x10], 0x5678
    jne 1f
    mov al, 1
1:  mov [0], bx
    popf
    pop bx
    pop es
    pop ds
    ret

/* ---- INT 12h base memory, INT 11h equipment list (RBIL; BIOS data area 410h, 413h) ---- */
test_int12_int11:
    int 0x12
    cmp ax, 512
    jb 1f
    cmp ax, 640
    ja 1f
    cmp ax, [0x413]
    jne 1f
    PRINTLN "int12: 512 <= kib <= 640, = bda 413h"
    jmp 2f
1:  FAIL "int12 base memory"
2:  int 0x11
    cmp ax, [0x410]
    je 3f
    FAIL "int11 differs from bda 410h"
3:  shr ax, 9
    and al, 7
    jz 4f
    PRINTLN "int11: = bda 410h, serial ports >= 1"
    ret
4:  FAIL "int11 reports no serial port"
    ret

/* ---- INT 1Ah time (RBIL INT 1A/AH=00h,02h,04h) ---- */
test_int1a:
    xor ah, ah
    int 0x1a
    mov bx, dx
    mov si, cx
    mov cx, 40                  /* about two seconds of IRQ0 at most */
1:  sti
    hlt
    push cx
    xor ah, ah
    int 0x1a
    mov di, cx
    pop cx
    cmp dx, bx
    jne 2f
    cmp di, si
    jne 2f
    loop 1b
    FAIL "int1a 00 tick count does not advance"
    jmp 3f
2:  PRINTLN "int1a 00: ticks advance"
3:  mov ah, 0x02                /* RTC time: CH hours, CL minutes, DH seconds, BCD */
    int 0x1a
    jc 4f
    mov al, ch
    cmp al, 0x23
    ja 4f
    call bcd_valid
    jc 4f
    mov al, cl
    cmp al, 0x59
    ja 4f
    call bcd_valid
    jc 4f
    mov al, dh
    cmp al, 0x59
    ja 4f
    call bcd_valid
    jc 4f
    PRINTLN "int1a 02: time valid bcd"
    jmp 5f
4:  FAIL "int1a 02 time"
5:  mov ah, 0x04                /* RTC date: CH century, CL year, DH month, DL day, BCD */
    int 0x1a
    jc 6f
    mov al, ch
    cmp al, 0x19
    jb 6f
    cmp al, 0x21
    ja 6f
    mov al, cl
    call bcd_valid
    jc 6f
    mov al, dh
    cmp al, 1
    jb 6f
    cmp al, 0x12
    ja 6f
    call bcd_valid
    jc 6f
    mov al, dl
    cmp al, 1
    jb 6f
    cmp al, 0x31
    ja 6f
    call bcd_valid
    jc 6f
    PRINTLN "int1a 04: date valid bcd"
    ret
6:  FAIL "int1a 04 date"
    ret

/* ---- INT 16h keyboard (RBIL INT 16/AH=00h,01h,02h,05h) and INT 09h ---- */
test_int16:
    mov ah, 0x01                /* peek: ZF set when no key is waiting */
    int 0x16
    jz 1f
    FAIL "int16 01 reports a key"
    jmp 2f
1:  PRINTLN "int16 01: no key, zf 1"
2:  mov ah, 0x02                /* shift flags = BDA 417h */
    int 0x16
    cmp al, [0x417]
    EXPECT_EQ "int16 02 differs from bda 417h"
    PRINTLN "int16 02: shift flags = bda 417h"
    mov ah, 0x05                /* store a keystroke: CH = scan code, CL = ASCII (AT BIOS) */
    mov cx, 0x1e61
    int 0x16
    PRINT "int16 05: al "
    call put_hex8
    mov ah, 0x01
    int 0x16
    jz 3f
    PRINT ", 01 peeks "
    call put_hex16
    xor ah, ah
    int 0x16
    PRINT ", 00 reads "
    call put_hex16
    mov ah, 0x01
    int 0x16
    jnz 3f
    PRINTLN ", buffer empty again"
    jmp 4f
3:  call newline
    FAIL "int16 keyboard buffer after 05h"
4:  /* A make and a break code fed through the i8042 (command D2h writes the keyboard output buffer,
       raising IRQ 1): the BIOS's INT 09h handler must translate scan code 1Eh into 'a'. */
    call kbc_flush
    mov al, 0xd2
    call kbc_command
    mov al, 0x1e
    call kbd_send
    call wait_for_key
    mov al, 0xd2
    call kbc_command
    mov al, 0x9e
    call kbd_send
    mov cx, 5
5:  sti                         /* let IRQ 1 take the break code */
    hlt
    loop 5b
    mov ah, 0x01
    int 0x16
    jz 6f
    xor ah, ah
    int 0x16
    PRINT "int09 via i8042 d2h: scan code 1e gives "
    call put_hex16
    call newline
    mov ah, 0x01
    int 0x16
    jnz 7f
    PRINTLN "int09: break code adds no key"
    ret
6:  FAIL "no key after scan code 1Eh through the i8042"
    ret
7:  FAIL "a key after the break code"
    ret

/* Waits (up to about 40 timer ticks) until INT 16h AH=01h sees a key. */
wait_for_key:
    mov cx, 40
1:  mov ah, 0x01
    int 0x16
    jnz 2f
    sti
    hlt
    loop 1b
2:  ret

/* ---- Services boot loaders also use (RBIL INT 10/AH=13h, INT 13/AH=03h,43h, INT 15/AH=86h,C0h,
   INT 1A/AH=01h) ---- */
test_more:
    mov ax, 0x1301              /* write string, update cursor: "hi" at row 10, column 0, attribute 1Eh */
    mov bx, 0x001e
    mov cx, 2
    mov dx, 0x0a00
    mov bp, offset hi_text
    int 0x10
    call print_cursor
    push es
    mov ax, 0xb800
    mov es, ax
    mov ax, es:[(10 * 80 + 1) * 2]
    pop es
    PRINT "int10 13: cell 10,1 "
    call put_hex16
    call newline

    mov si, offset sector_buffer /* LBA write of sector 100 with the pattern of LBA 100, read back */
    mov bx, 100
    call fill_pattern
    mov dword ptr [dap_lba], 100
    mov word ptr [dap_count], 1
    mov ah, 0x43
    call disk_packet
    jc 1f
    mov si, offset sector_buffer
    mov cx, 512
    call clear_buffer
    mov dword ptr [dap_lba], 100
    mov word ptr [dap_count], 1
    call read_lba
    jc 1f
    PRINTLN "int13 43: write of lba 100 ok"
    mov si, offset sector_buffer
    mov bx, 100
    call check_pattern
    jmp 2f
1:  FAIL "int13 43 write or read back"
2:  mov ax, 101                 /* CHS write (AH=03h) of LBA 101, read back with AH=42h */
    push ax
    mov si, offset sector_buffer
    mov bx, ax
    call fill_pattern
    pop ax
    xor dx, dx
    div word ptr [spt]
    inc dx
    mov cl, dl
    xor dx, dx
    div word ptr [heads]
    mov dh, dl
    mov ch, al
    mov bx, offset sector_buffer
    mov dl, [boot_drive]
    mov ax, 0x0301
    int 0x13
    jc 3f
    mov si, offset sector_buffer
    mov cx, 512
    call clear_buffer
    mov dword ptr [dap_lba], 101
    mov word ptr [dap_count], 1
    call read_lba
    jc 3f
    PRINTLN "int13 03: chs write of lba 101 ok"
    mov si, offset sector_buffer
    mov bx, 101
    call check_pattern
    jmp 4f
3:  FAIL "int13 03 write or read back"

4:  mov ah, 0x86                /* wait 10000 microseconds */
    xor cx, cx
    mov dx, 10000
    int 0x15
    jc 5f
    PRINTLN "int15 86: wait returned, cf 0"
    jmp 6f
5:  FAIL "int15 86 wait"
6:  mov ah, 0xc0                /* configuration table at ES:BX: its first word is its length */
    push es
    int 0x15
    jc 7f
    cmp word ptr es:[bx], 8
    pop es
    jb 8f
    PRINTLN "int15 c0: cf 0, table length >= 8"
    jmp 9f
7:  pop es
8:  FAIL "int15 c0 configuration table"
9:  mov ah, 0x01                /* set the tick count, read it back */
    mov cx, 0x0001
    mov dx, 0x2345
    int 0x1a
    xor ah, ah
    int 0x1a
    cmp cx, 0x0001
    jne 10f
    sub dx, 0x2345
    cmp dx, 20                  /* about one second at 18.2 Hz */
    ja 10f
    PRINTLN "int1a 01: tick count set and read back"
    ret
10: FAIL "int1a 01 set tick count"
    ret

/* SI = buffer, BX = LBA: fill 512 bytes with (i ^ lba) & 0xff. */
fill_pattern:
    xor cx, cx
1:  mov al, cl
    xor al, bl
    mov [si], al
    inc si
    inc cx
    cmp cx, 512
    jb 1b
    ret

/* SI = buffer, CX = bytes. */
clear_buffer:
    mov byte ptr [si], 0
    inc si
    loop clear_buffer
    ret

/* AH = 42h or 43h with the packet in dap (AL = 0: write without verify). */
disk_packet:
    mov byte ptr [dap], 0x10
    mov byte ptr [dap + 1], 0
    mov word ptr [dap_buffer], offset sector_buffer
    mov word ptr [dap_buffer + 2], 0
    mov dword ptr [dap_lba + 4], 0
    mov si, offset dap
    mov dl, [boot_drive]
    xor al, al
    int 0x13
    ret

    .section .rodata
hi_text: .ascii "hi"
    .text

/* ---- INT 14h serial (RBIL INT 14/AH=00h,03h): AH = line status, AL = modem status ---- */
test_int14:
    mov ax, 0x00e3              /* 9600 baud, no parity, 1 stop bit, 8 bits */
    xor dx, dx
    int 0x14
    call serial_init            /* back to our own settings */
    mov ah, 0x03
    xor dx, dx
    int 0x14
    mov al, ah
    and al, 0x60                /* transmitter holding and shift registers empty */
    PRINT "int14 03: lsr thre temt "
    call put_hex8
    call newline
    ret

    .bss
    .balign 16
sector_buffer: .skip 1024
edd_params: .skip 0x42
    .balign 4
dap:
    .skip 2
dap_count: .skip 2
dap_buffer: .skip 4
dap_lba: .skip 8
spt: .skip 2
heads: .skip 2
ram_above_1m: .skip 4
e820_i: .skip 2
e820_j: .skip 2
    .balign 4
e820_map: .skip 20 * 32

/* The known sectors 64 and 65 (rm.ld places .diskdata at LBA 64). */
    .section .diskdata, "a"
    .irp sector, 64, 65
    .set i, 0
    .rept 512
    .byte (i ^ \sector) & 0xff
    .set i, i + 1
    .endr
    .endr
