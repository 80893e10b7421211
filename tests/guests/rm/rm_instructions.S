/* rm_instructions: an end-to-end check of the instructions boot loaders execute in real mode, with
   their results and only the flags the Intel SDM defines for each (Vol. 2 "Flags Affected"; undefined
   flags are masked out, so a correct emulator need not copy QEMU's choices): string instructions with
   both directions, REP prefixes and the address-size prefix; 8/16/32-bit arithmetic, MUL/IMUL/DIV/IDIV,
   BCD adjustments, shifts and rotates, bit instructions, exchange instructions, stack instructions,
   sign/zero extension, SETcc/CMOVcc, LAHF/SAHF, XLAT, LDS/LES, loops, and 32-bit addressing. */
    .intel_syntax noprefix
    .code16
    .include "rm_macros.inc"

    F_ALL = 0x08d5              /* OF SF ZF AF PF CF */
    F_LOGIC = 0x08c5            /* AF undefined */
    F_CF_OF = 0x0801
    F_CF = 0x0001
    F_ZF = 0x0040
    F_BCD = 0x00d5              /* DAA/DAS: OF undefined */
    F_ASCII = 0x0011            /* AAA/AAS: AF CF */
    F_AAM = 0x00c4              /* AAM/AAD: SF ZF PF */
    F_SHIFTN = 0x00c5           /* shift by more than 1: OF and AF undefined */

/* Saves FLAGS right after the instruction under test, then prints "name: value flags". */
.macro RESULT name, reg, mask
    call save_flags
    push eax
    PRINT "\name: "
    mov eax, \reg
    call put_hex32
    PRINT " flags "
    mov ax, [saved_flags]
    and ax, \mask
    call put_hex16
    call newline
    pop eax
.endm

/* As RESULT, with FLAGS saved earlier by the caller (call save_flags). */
.macro RESULT_SAVED name, reg, mask
    push eax
    PRINT "\name: "
    mov eax, \reg
    call put_hex32
    PRINT " flags "
    mov ax, [saved_flags]
    and ax, \mask
    call put_hex16
    call newline
    pop eax
.endm

/* Prints "name: value" (EAX-sized). */
.macro VALUE name, reg
    push eax
    PRINT "\name: "
    mov eax, \reg
    call put_hex32
    call newline
    pop eax
.endm

    .text
    .global main
main:
    PRINTLN "rm_instructions: start"
    call test_strings
    call test_arithmetic
    call test_multiply_divide
    call test_bcd
    call test_shifts
    call test_bits
    call test_exchange
    call test_stack
    call test_misc
    jmp finish

save_flags:
    pushf
    pop word ptr [saved_flags]
    ret

/* SI = buffer, CX = length → AX = 16-bit sum of the bytes. */
checksum:
    push si
    push cx
    push bx
    xor ax, ax
    xor bx, bx
1:  mov bl, [si]
    add ax, bx
    inc si
    loop 1b
    pop bx
    pop cx
    pop si
    ret

test_strings:
    mov di, offset src          /* src[i] = i * 3 + 1 */
    xor ax, ax
    mov cx, 64
1:  mov bl, al
    imul bx, bx, 3
    inc bl
    mov [di], bl
    inc di
    inc al
    loop 1b
    cld
    mov si, offset src
    mov di, offset dst1
    mov cx, 64
    rep movsb
    mov si, offset dst1
    mov cx, 64
    call checksum
    VALUE "rep movsb forward sum", eax
    std
    mov si, offset src + 63
    mov di, offset dst2 + 63
    mov cx, 64
    rep movsb
    cld
    VALUE "rep movsb backward si", esi
    mov si, offset dst2
    mov cx, 64
    call checksum
    VALUE "rep movsb backward sum", eax
    mov si, offset src
    mov di, offset dst3
    mov cx, 16
    rep movsd
    mov si, offset dst3
    mov cx, 64
    call checksum
    VALUE "rep movsd sum", eax
    mov esi, offset src         /* 16-bit address size: the count is CX, ECX[31:16] stays */
    mov edi, offset dst4
    mov ecx, 0x10005
    rep movsb
    VALUE "rep movsb with ecx 10005: ecx after", ecx
    mov esi, offset src         /* address-size prefix: ESI, EDI and ECX */
    mov edi, offset dst4
    mov ecx, 0x20
    addr32 rep movsb
    VALUE "addr32 rep movsb edi", edi
    mov ax, 0xa55a
    mov di, offset dst1
    mov cx, 8
    rep stosw
    mov si, offset dst1
    mov cx, 16
    call checksum
    VALUE "rep stosw sum", eax
    mov si, offset src          /* dst2 = src except at 37 */
    mov di, offset dst2
    mov cx, 64
    rep movsb
    xor byte ptr [dst2 + 37], 0xff
    mov si, offset src
    mov di, offset dst2
    mov cx, 64
    repe cmpsb
    RESULT "repe cmpsb cx", ecx, F_ALL
    sub si, offset src
    VALUE "repe cmpsb si", esi
    mov di, offset src
    mov al, 21 * 3 + 1
    mov cx, 64
    repne scasb
    RESULT "repne scasb cx", ecx, F_ALL
    mov si, offset src + 10
    lodsw
    VALUE "lodsw", eax
    push fs
    push ds
    pop fs
    mov si, offset src
    mov di, offset dst4
    mov cx, 4
    fs rep movsb                /* segment override on the source */
    pop fs
    mov eax, [dst4]
    VALUE "fs: rep movsb", eax
    ret

test_arithmetic:
    mov eax, 0x7f
    add al, 1
    RESULT "add al 7f+1", eax, F_ALL
    mov eax, 0
    sub ax, 1
    RESULT "sub ax 0-1", eax, F_ALL
    stc
    mov eax, 0xffff
    adc ax, 0
    RESULT "adc ax ffff+0+cf", eax, F_ALL
    stc
    mov eax, 0x8000
    sbb ax, 0
    RESULT "sbb ax 8000-0-cf", eax, F_ALL
    stc
    mov eax, 0x7fffffff
    inc eax
    RESULT "inc eax 7fffffff (cf kept)", eax, F_ALL
    mov eax, 0x80
    neg al
    RESULT "neg al 80", eax, F_ALL
    mov eax, 0x12345678
    cmp eax, 0x12345679
    RESULT "cmp eax", eax, F_ALL
    mov eax, 0xf0f0
    xor ax, 0x0ff0
    RESULT "xor ax", eax, F_LOGIC
    mov eax, 0x8000
    test ax, ax
    RESULT "test ax 8000", eax, F_LOGIC
    mov eax, 0x00ff
    add al, 0x01
    RESULT "add al ff+1", eax, F_ALL
    ret

test_multiply_divide:
    mov eax, 0x1234
    mov bx, 0x5678
    mul bx
    call save_flags
    shl edx, 16
    mov dx, ax
    RESULT_SAVED "mul 1234*5678", edx, F_CF_OF
    mov eax, 0xfffe             /* -2 * 3 as signed 16-bit */
    mov bx, 3
    imul bx
    call save_flags
    shl edx, 16
    mov dx, ax
    RESULT_SAVED "imul fffe*3", edx, F_CF_OF
    mov bx, 0x4000
    imul ax, bx, 4
    RESULT "imul ax 4000*4 (three-operand)", eax, F_CF_OF
    mov eax, 0x89abcdef
    mov ebx, 0x10
    mul ebx
    VALUE "mul eax*10 edx", edx
    VALUE "mul eax*10 eax", eax
    mov edx, 0x1
    mov eax, 0x23456789
    mov ebx, 0x10000
    div ebx
    VALUE "div 123456789/10000 quotient", eax
    VALUE "div 123456789/10000 remainder", edx
    mov eax, -1000
    cdq
    mov ebx, 7
    idiv ebx
    VALUE "idiv -1000/7 quotient", eax
    VALUE "idiv -1000/7 remainder", edx
    mov eax, 1000
    mov bl, 7
    div bl
    VALUE "div ax 1000/7 (al quotient, ah remainder)", eax
    ret

test_bcd:
    mov eax, 0x15
    add al, 0x27
    daa
    RESULT "daa 15+27", eax, F_BCD
    mov eax, 0x99
    add al, 0x01
    daa
    RESULT "daa 99+01", eax, F_BCD
    mov eax, 0x42
    sub al, 0x15
    das
    RESULT "das 42-15", eax, F_BCD
    mov eax, 0x0009
    add al, 0x08
    aaa
    RESULT "aaa 9+8", eax, F_ASCII
    mov eax, 0x0103
    sub al, 0x05
    aas
    RESULT "aas 103-5", eax, F_ASCII
    mov eax, 79
    aam
    RESULT "aam 79", eax, F_AAM
    mov eax, 0x0709
    aad
    RESULT "aad 0709", eax, F_AAM
    ret

test_shifts:
    mov eax, 0x4001
    shl ax, 1
    RESULT "shl ax 4001,1", eax, F_LOGIC
    mov eax, 0x8421
    mov cl, 3
    shl ax, cl
    RESULT "shl ax 8421,3", eax, F_SHIFTN
    mov eax, 0x8421
    mov cl, 33                  /* counts are masked to 5 bits: 1 */
    shl ax, cl
    RESULT "shl ax 8421,33", eax, F_LOGIC
    mov eax, 0x8001
    sar ax, 1
    RESULT "sar ax 8001,1", eax, F_LOGIC
    mov eax, 0x8001
    shr ax, 1
    RESULT "shr ax 8001,1", eax, F_LOGIC
    mov eax, 0x8001
    rol ax, 1
    RESULT "rol ax 8001,1", eax, F_CF_OF
    mov eax, 0x8001
    ror ax, 1
    RESULT "ror ax 8001,1", eax, F_CF_OF
    stc
    mov eax, 0x4000
    rcl ax, 1
    RESULT "rcl ax 4000,1 cf=1", eax, F_CF_OF
    clc
    mov eax, 0x0001
    rcr ax, 1
    RESULT "rcr ax 0001,1 cf=0", eax, F_CF_OF
    mov eax, 0x1234
    mov bx, 0xabcd
    shld ax, bx, 4
    RESULT "shld ax,bx(abcd),4", eax, F_SHIFTN
    mov eax, 0x1234
    mov bx, 0xabcd
    shrd ax, bx, 4
    RESULT "shrd ax,bx(abcd),4", eax, F_SHIFTN
    mov eax, 0x12345678
    mov cl, 8
    rol eax, cl
    RESULT "rol eax 12345678,8", eax, F_CF
    ret

test_bits:
    mov eax, 0x00f0
    bt ax, 4
    RESULT "bt ax 00f0,4", eax, F_CF
    bts ax, 0
    RESULT "bts ax,0", eax, F_CF
    btr ax, 5
    RESULT "btr ax,5", eax, F_CF
    btc ax, 15
    RESULT "btc ax,15", eax, F_CF
    mov ebx, 0x00012000
    bsf eax, ebx
    RESULT "bsf 00012000", eax, F_ZF
    bsr eax, ebx
    RESULT "bsr 00012000", eax, F_ZF
    mov eax, 0x12345678
    bswap eax
    VALUE "bswap 12345678", eax
    ret

test_exchange:
    mov eax, 0x1111
    mov ebx, 0x2222
    xchg eax, ebx
    VALUE "xchg eax", eax
    mov eax, 5
    mov ebx, 7
    xadd eax, ebx
    RESULT "xadd 5,7 eax", eax, F_ALL
    VALUE "xadd 5,7 ebx", ebx
    mov eax, 0x55
    mov dword ptr [scratch], 0x55
    mov ebx, 0x66
    cmpxchg [scratch], ebx
    RESULT "cmpxchg equal: eax", eax, F_ALL
    mov eax, [scratch]
    VALUE "cmpxchg equal: memory", eax
    mov eax, 0x77
    cmpxchg [scratch], ebx
    RESULT "cmpxchg different: eax", eax, F_ALL
    mov dword ptr [scratch], 1
    mov dword ptr [scratch + 4], 2
    mov eax, 1
    mov edx, 2
    mov ebx, 3
    mov ecx, 4
    cmpxchg8b [scratch]
    RESULT "cmpxchg8b equal", eax, F_ZF
    mov eax, [scratch + 4]
    VALUE "cmpxchg8b memory high", eax
    ret

test_stack:
    mov bx, sp
    push sp                     /* 286 and later push SP as it was before the push (SDM "PUSH") */
    pop ax
    sub ax, bx
    VALUE "push sp minus sp", eax
    mov eax, 0x11111111
    mov ecx, 0x22222222
    pushad
    mov eax, 0
    mov ecx, 0
    popad
    VALUE "pushad/popad ecx", ecx
    mov bp, 0x1234
    mov bx, sp
    enter 8, 0
    movzx eax, bx
    sub ax, sp
    VALUE "enter 8,0 sp moved by", eax
    movzx eax, word ptr [bp]
    VALUE "enter saved bp", eax
    leave
    movzx eax, bp
    VALUE "leave bp", eax
    movzx eax, sp
    sub ax, bx
    VALUE "leave sp difference", eax
    ret

test_misc:
    mov eax, 0x80
    cbw
    VALUE "cbw 80", eax
    mov eax, 0x8000
    cwd
    VALUE "cwd 8000 dx", edx
    mov eax, 0xffff8000
    cwde
    VALUE "cwde", eax
    movsx eax, byte ptr [minus_one]
    VALUE "movsx byte ff", eax
    movzx eax, byte ptr [minus_one]
    VALUE "movzx byte ff", eax
    mov eax, 5
    cmp eax, 7
    setl al
    setb ah
    VALUE "setl/setb 5<7", eax
    mov ebx, 0x99
    mov eax, 1
    cmp eax, 2
    cmovb eax, ebx
    VALUE "cmovb", eax
    mov al, 0xff
    add al, 1                   /* ZF CF AF PF set */
    lahf
    movzx eax, ah
    and al, 0xd5                /* SF ZF AF PF CF */
    VALUE "lahf after ff+1", eax
    mov ah, 0xc1                /* SF ZF CF */
    sahf
    RESULT "sahf c1", eax, 0x00d5
    mov bx, offset src
    mov al, 5
    xlat
    VALUE "xlat src[5]", eax
    lds si, [far_pointer]
    mov ax, ds
    shl eax, 16
    mov ax, si
    xor bx, bx
    mov ds, bx
    VALUE "lds", eax
    les di, [far_pointer]
    mov ax, es
    shl eax, 16
    mov ax, di
    xor bx, bx
    mov es, bx
    VALUE "les", eax
    xor eax, eax
    mov cx, 10
1:  inc ax
    loop 1b
    VALUE "loop 10", eax
    xor cx, cx
    mov eax, 1
    jcxz 2f
    mov ax, 0
2:  VALUE "jcxz taken", eax
    mov ebx, offset table32
    mov esi, 2
    mov eax, [ebx + esi * 4 + 4]  /* 32-bit addressing in real mode */
    VALUE "mov eax, [ebx+esi*4+4]", eax
    ret

    .section .rodata
minus_one: .byte 0xff
    .balign 4
far_pointer: .word 0x1234, 0x5678
table32: .long 0x10, 0x20, 0x30, 0x40, 0x50

    .bss
saved_flags: .word 0
    .balign 4
scratch: .skip 8
src: .skip 64
dst1: .skip 64
dst2: .skip 64
dst3: .skip 64
dst4: .skip 64
