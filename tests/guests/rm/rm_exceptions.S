/* rm_exceptions: real-mode exceptions and software interrupts through the IVT (Intel SDM Vol. 3A
   §20.1.4 "Interrupt and Exception Handling" in real-address mode; Vol. 3A §6.5 faults vs traps).
   Each test points the vector at a recording handler and prints the vector, where the pushed IP points
   (insn+0 for a fault, insn+length for a trap or INT n), the pushed CS, the pushed FLAGS.IF and the
   handler's own IF and TF (the CPU clears both on delivery). */
    .intel_syntax noprefix
    .code16
    .include "rm_macros.inc"

/* Runs INSN with a recording handler on VECTOR and prints "NAME: vector …". */
.macro EXC_TEST name, vector, insn:vararg
    mov word ptr [\vector * 4], offset handler_\vector
    mov word ptr [\vector * 4 + 2], 0
    mov word ptr [resume_ip], offset 8891f
    mov word ptr [insn_ip], offset 8890f
    mov byte ptr [seen_vector], 0xff
8890: \insn
8891:
    PRINT "\name: "
    call report
.endm

    .text
    .global main
main:
    PRINTLN "rm_exceptions: start"
    sti
    mov bl, 0
    EXC_TEST "div by zero", 0x00, div bl
    mov ax, 0x1000
    mov bl, 1
    EXC_TEST "div overflow", 0x00, div bl
    mov ax, 0x8000
    cwd
    mov bx, -1
    EXC_TEST "idiv -32768/-1", 0x00, idiv bx
    EXC_TEST "int3 (cc)", 0x03, int3
    EXC_TEST "int 3 (cd 03)", 0x03, .byte 0xcd, 0x03
    EXC_TEST "int 60h", 0x60, int 0x60
    mov al, 0x7f
    add al, 1                   /* OF = 1 */
    EXC_TEST "into of=1", 0x04, into
    xor al, al                  /* OF = 0 */
    EXC_TEST "into of=0", 0x04, into
    mov ax, 200
    EXC_TEST "bound out of range", 0x05, bound ax, [bounds]
    mov ax, 50
    EXC_TEST "bound in range", 0x05, bound ax, [bounds]
    EXC_TEST "ud2", 0x06, ud2
    EXC_TEST "mov cs, ax", 0x06, .byte 0x8e, 0xc8
    pushf                       /* TF set by POPF: the trap comes after the instruction following POPF */
    pop ax
    or ax, 0x0100
    push ax
    EXC_TEST "single step", 0x01, popf; nop; nop
    cli
    EXC_TEST "int 60h with if=0", 0x60, int 0x60
    sti
    call test_relocated_ivt
    jmp finish

/* LIDT in real mode moves the interrupt vector table (SDM Vol. 3A §20.1.4: the IDTR base and limit
   are used in real-address mode too). */
test_relocated_ivt:
    mov byte ptr [relocated_hits], 0
    mov word ptr [RELOCATED_IVT + 0x60 * 4], offset relocated_handler
    mov word ptr [RELOCATED_IVT + 0x60 * 4 + 2], 0
    lidt [relocated_idtr]
    int 0x60
    lidt [default_idtr]
    mov word ptr [resume_ip], offset 1f
    mov byte ptr [seen_vector], 0xff
    int 0x60                    /* the original table again: its entry 60h still points at handler_0x60 */
1:
    PRINT "lidt: int 60h through the table at 0800h "
    mov al, [relocated_hits]
    call put_hex8
    PRINT ", back through 0000h with vector "
    mov al, [seen_vector]
    call put_hex8
    call newline
    ret

relocated_handler:
    inc byte ptr cs:[relocated_hits]
    iret

/* One entry per vector used above: note the vector, then record the frame. */
.irp v, 0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x60
handler_\v:
    mov byte ptr cs:[seen_vector], \v
    jmp record
.endr

/* The real-mode frame (SDM Vol. 3A §20.1.4): FLAGS, CS, IP pushed in that order. */
record:
    push bp
    mov bp, sp
    push ax
    pushf
    pop ax
    mov cs:[handler_flags], ax
    mov ax, [bp + 2]
    mov cs:[seen_ip], ax
    mov ax, [bp + 4]
    mov cs:[seen_cs], ax
    mov ax, [bp + 6]
    mov cs:[seen_flags], ax
    and word ptr [bp + 6], ~0x0100   /* no further single steps after the return */
    mov ax, cs:[resume_ip]
    mov [bp + 2], ax
    pop ax
    pop bp
    iret

report:
    cmp byte ptr [seen_vector], 0xff
    jne 1f
    PRINTLN "no exception"
    ret
1:  PRINT "vector "
    mov al, [seen_vector]
    call put_hex8
    PRINT " ip insn+"
    mov ax, [seen_ip]
    sub ax, [insn_ip]
    call put_dec
    PRINT " cs "
    mov ax, [seen_cs]
    call put_hex16
    PRINT " pushed if "
    mov ax, [seen_flags]
    shr ax, 9
    and al, 1
    call put_hex8
    PRINT " handler if "
    mov ax, [handler_flags]
    shr ax, 9
    and al, 1
    call put_hex8
    PRINT " tf "
    mov ax, [handler_flags]
    shr ax, 8
    and al, 1
    call put_hex8
    call newline
    ret

    RELOCATED_IVT = 0x0800

    .section .rodata
relocated_idtr:
    .word 0x3ff
    .long RELOCATED_IVT
default_idtr:
    .word 0x3ff
    .long 0
bounds: .word 0, 100            /* BOUND: lower, upper (SDM Vol. 2A "BOUND") */

    .bss
relocated_hits: .byte 0
    .balign 2
resume_ip: .word 0
insn_ip: .word 0
seen_vector: .byte 0
    .balign 2
seen_ip: .word 0
seen_cs: .word 0
seen_flags: .word 0
handler_flags: .word 0
