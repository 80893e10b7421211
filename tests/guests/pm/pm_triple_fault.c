/* pm_triple_fault: a guest that triple-faults (Intel SDM Vol. 3A §6.15 "Interrupt 8": a fault while
   delivering a double fault shuts the processor down; a PC then resets). With an IDT limit of 0,
   INT3 finds no gate (#GP), the #GP finds none (#DF), the #DF finds none: shutdown. Bare QEMU with
   -no-reboot stops; run-bare.sh prints "(machine reset)" for that, and a RealVM runner must print the
   same when it stops the VM for a triple fault. */
#include "guest.h"

void guest_main(void) {
    print("pm_triple_fault: start\n");
    print("loading an idt with limit 0, then int3\n");
    idt_load_limit(0);
    asm volatile("int3");
    fail("still running after a triple fault");
}
