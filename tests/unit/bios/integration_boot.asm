; Boot sector for tests/unit/bios/interpreter_test.cpp: BIOS calls as a boot loader makes them, with the
; results stored at 0000:0500 for the test to check. Assemble: nasm -f bin integration_boot.asm
        org 0x7c00
        bits 16
start:  cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        mov word [0x1c*4], int1c        ; hook the user timer tick
        mov word [0x1c*4+2], 0
        sti
        mov ax, 0x0e4f                  ; INT 10h teletype "OK"
        int 0x10
        mov al, 'K'
        int 0x10
        mov si, dap                     ; INT 13h AH=42h: LBA 3 to 0000:8000
        mov ah, 0x42
        mov dl, 0x80
        int 0x13
        setc [0x502]
        mov dword [dap+8], 0x10000      ; beyond the end: CF and AH
        mov si, dap
        mov ah, 0x42
        mov dl, 0x80
        int 0x13
        setc [0x503]
        mov [0x504], ah
        xor ebx, ebx                    ; INT 15h E820 walk into 0000:9000
        mov di, 0x9000
        xor bp, bp
e820:   mov eax, 0xe820
        mov edx, 0x534d4150
        mov ecx, 20
        int 0x15
        jc e820_done
        inc bp
        add di, 20
        test ebx, ebx
        jnz e820
e820_done:
        mov [0x506], bp
        xor ah, ah                      ; INT 1Ah ticks before and after a timer interrupt
        int 0x1a
        mov [0x508], dx
        hlt
        xor ah, ah
        int 0x1a
        mov [0x50c], dx
        mov ah, 1                       ; INT 16h peek: nothing yet
        int 0x16
        setz [0x50e]
        xor ah, ah                      ; INT 16h read: waits for IRQ 1
        int 0x16
        mov [0x510], ax
        mov byte [0x512], 0xaa
        cli
        hlt
int1c:  inc word [cs:0x500]
        iret
dap:    db 0x10, 0
        dw 1
        dw 0x8000, 0
        dq 3
        times 510-($-$$) db 0
        dw 0xaa55
