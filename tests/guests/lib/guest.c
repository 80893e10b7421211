/* The mode-independent part of the guest runtime (see guest.h). */
#include "guest.h"

#include <stdarg.h>

enum { COM1 = 0x3f8, DEBUG_EXIT_PORT = 0xf4 };

void* memset(void* d, int c, unsigned long n) {
    u8* p = d;
    while (n--)
        *p++ = (u8)c;
    return d;
}

void* memcpy(void* d, const void* s, unsigned long n) {
    u8* p = d;
    const u8* q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

/* 16550A: 115200 baud 8N1, FIFOs on, polled (16550A datasheet: LCR.DLAB, DLL/DLM, FCR). */
void serial_init(void) {
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0xc7);
    outb(COM1 + 4, 0x03);
}

static void putc(char c) {
    while (!(inb(COM1 + 5) & 0x20)) {
    }
    outb(COM1, (u8)c);
}

static void put_number(u64 v, unsigned base, int width, char pad) {
    char buf[24];
    int n = 0;
    do {
        unsigned digit;
        if (base == 16) {
            digit = (unsigned)(v & 15);
            v >>= 4;
        } else { /* decimal: callers pass 32-bit values, so no 64-bit division (no libgcc) */
            digit = (unsigned)((u32)v % 10);
            v = (u32)v / 10;
        }
        buf[n++] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
    } while (v);
    while (n < width--)
        putc(pad);
    while (n)
        putc(buf[--n]);
}

static void vprint(const char* fmt, va_list ap) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char* s = va_arg(ap, const char*);
            while (*s)
                putc(*s++);
            break;
        }
        case 'c': putc((char)va_arg(ap, int)); break;
        case '%': putc('%'); break;
        case 'd': {
            int v = va_arg(ap, int);
            if (v < 0) {
                putc('-');
                v = -v;
            }
            put_number((u32)v, 10, width, pad);
            break;
        }
        case 'u': put_number(va_arg(ap, u32), 10, width, pad); break;
        case 'x': {
            u64 v = longs == 0 ? va_arg(ap, u32) : longs == 1 ? va_arg(ap, uptr) : va_arg(ap, u64);
            put_number(v, 16, width, pad);
            break;
        }
        default: putc('%'); putc(*fmt);
        }
    }
}

void print(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void fail(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    print("FAIL: ");
    vprint(fmt, ap);
    print("\n");
    va_end(ap);
}

void check(bool ok, const char* what) {
    if (!ok) fail("%s", what);
}

_Noreturn void finish(void) {
    print("done\n");
    outb(DEBUG_EXIT_PORT, 0);
    for (;;)
        asm volatile("cli; hlt");
}

/* ---- Expected faults ---- */
volatile struct fault last_fault = {.vector = -1};
volatile uptr fault_resume, fault_insn, fault_cr2_expected;
vector_handler vector_handlers[256];
volatile u32 irq_count[16];

void fault_clear(void) {
    last_fault.vector = -1;
    last_fault.error = last_fault.ip = last_fault.cs = last_fault.cr2 = last_fault.sp = 0;
}

static const char* const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char* vector_name(int vector) {
    static char buf[8];
    if (vector < 32 && exception_names[vector]) return exception_names[vector];
    const char* hex = "0123456789abcdef";
    buf[0] = 'v';
    buf[1] = hex[(vector >> 4) & 15];
    buf[2] = hex[vector & 15];
    buf[3] = 0;
    return buf;
}

static bool has_error_code(int vector) {
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

void fault_report(const char* name) {
    if (last_fault.vector < 0) {
        print("%s: no fault\n", name);
        return;
    }
    print("%s: %s", name, vector_name(last_fault.vector));
    if (has_error_code(last_fault.vector)) print(" err %lx", last_fault.error);
    if (last_fault.vector == 14 && fault_cr2_expected) {
        print(" cr2 %s", last_fault.cr2 == fault_cr2_expected ? "ok" : "wrong");
        if (last_fault.cr2 != fault_cr2_expected)
            fail("%s: cr2 %lx, expected %lx", name, last_fault.cr2, fault_cr2_expected);
    } else if (last_fault.vector == 14)
        print(" cr2 %lx", last_fault.cr2);
    if (last_fault.vector == 8)
        ; /* the RIP saved by a double fault is undefined (SDM Vol. 3A §6.15 "Interrupt 8") */
    else if (last_fault.ip == fault_insn)
        print(" ip insn");
    else if (last_fault.vector == 14 && last_fault.ip == last_fault.cr2 && last_fault.cr2)
        print(" ip cr2");
    else
        print(" ip insn+%lx", last_fault.ip - fault_insn);
    print("\n");
}

bool fault_expect(const char* name, int vector, uptr error) {
    fault_report(name);
    if (last_fault.vector != vector || (has_error_code(vector) && last_fault.error != error)) {
        fail("%s: expected %s err %lx", name, vector_name(vector), error);
        return false;
    }
    return true;
}

/* Called by the stubs of lib/x86_*.S with the frame the CPU and the stub built. */
void exception_dispatch(struct frame* f) {
    int vector = (int)f->vector;
    if (vector == 0x80 && f->ax == SYS_EXIT && (f->cs & 3) == 3) {
        f->ip = (uptr)user_return; /* IRET to CPL 0: user_return takes back the kernel stack */
        f->cs = SEL_KCODE;
#ifdef __x86_64__
        f->ss = SEL_KDATA;
        f->sp = (uptr)trap_stack_top;
#endif
        return;
    }
    if (vector_handlers[vector]) {
        vector_handlers[vector](f);
        return;
    }
    if (vector >= 0x20 && vector < 0x30) { /* PIC lines after pic_remap(0x20, 0x28) */
        irq_count[vector - 0x20]++;
        if (vector >= 0x28) outb(0xa0, 0x20);
        outb(0x20, 0x20);
        return;
    }
    if (fault_record(f)) return;
    fail("unexpected %s err %lx at %lx cs %lx", vector_name(vector), f->error, f->ip, f->cs);
    finish();
}

bool fault_record(struct frame* f) {
    int vector = (int)f->vector;
    if (fault_resume) {
        last_fault.vector = vector;
        last_fault.sp = f->sp;
        last_fault.error = f->error;
        last_fault.ip = f->ip;
        last_fault.cs = f->cs;
        last_fault.cr2 = vector == 14 ? read_cr2() : 0;
        f->ip = fault_resume;
        if (vector == 1) f->flags &= ~FLAGS_TF; /* a single-step test: stop stepping */
        fault_resume = 0;
        return true;
    }
    return false;
}

void iomap_allow_console(void) {
    for (u16 port = COM1; port < COM1 + 8; port++)
        iomap_set(port, true);
    iomap_set(DEBUG_EXIT_PORT, true);
}

/* ---- 8259A and 8254 ---- */
void pic_remap(u8 master_base, u8 slave_base) {
    outb(0x20, 0x11); /* ICW1: edge, cascade, ICW4 (8259A datasheet) */
    outb(0xa0, 0x11);
    outb(0x21, master_base);
    outb(0xa1, slave_base);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

void pic_unmask(int irq) {
    if (irq >= 8) {
        outb(0xa1, inb(0xa1) & ~(1u << (irq - 8)));
        irq = 2;
    }
    outb(0x21, inb(0x21) & ~(1u << irq));
}

void pit_set_hz(u32 hz) {
    u32 divisor = 1193182 / hz;
    outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (8254 datasheet) */
    outb(0x40, (u8)divisor);
    outb(0x40, (u8)(divisor >> 8));
}

/* The Multiboot entry (pm/pm_entry.S, lm/lm_entry.S) lands here on the kernel stack. */
void guest_start(void) {
    serial_init();
    /* Multiboot Specification 0.6.96 §3.2/§3.3: the magic, and flags bit 0 (mem_lower/mem_upper). */
    u32 flags = *(volatile u32*)(uptr)multiboot_info;
    print("multiboot: magic %x, memory fields %u\n", (u32)multiboot_magic, flags & 1);
    arch_init();
    guest_main();
    finish();
}
