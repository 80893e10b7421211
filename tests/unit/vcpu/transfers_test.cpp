// Far transfers, returns and interrupt delivery across privilege levels (SDM vol. 3 §5.8, §6.12, §6.14;
// vol. 2 JMP, CALL, RET, IRET, INT n, SYSCALL/SYSRET).
#include <gtest/gtest.h>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

TEST(Transfers, FarJumpAndCallChecks) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write(0x1000, {0xea, 0x00, 0x50, 0x00, 0x00, 0x18, 0x00}); // jmp far 0x18:0x5000 (DPL 3 code)
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    EXPECT_EQ(r.exception.error_code, 0x18u);
    // Same level: call far 0x08:0x5000 pushes CS and EIP.
    m.write(0x1000, {0x9a, 0x00, 0x50, 0x00, 0x00, 0x08, 0x00});
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.rip, 0x5000u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x8000u - 8);
    EXPECT_EQ(m.read32(0x8000 - 8), 0x1007u);
    EXPECT_EQ(m.read32(0x8000 - 4), 0x08u);
    m.write(0x5000, {0xcb}); // retf
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.rip, 0x1007u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x8000u);
    // Beyond the code segment limit.
    m.write64(Machine::gdt + 0x48, descriptor(0, 0xfff, acc_code(0), 0x4));
    m.s.gdtr.limit = 0x4f;
    m.write(0x1007, {0xea, 0x00, 0x20, 0x00, 0x00, 0x48, 0x00});
    r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    EXPECT_EQ(r.exception.error_code, 0u);
}

TEST(Transfers, RetfToOuterLevel) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write(0x1000, {0xcb}); // retf
    m.s.reg(Gpr::rsp) = 0x7000;
    m.write32(0x7000, 0x4000);
    m.write32(0x7004, 0x1b);
    m.write32(0x7008, 0x6000);
    m.write32(0x700c, 0x23);
    m.s.segment(Seg::ds) = m.cache(0x10); // DPL 0 data: unusable at CPL 3 after the return
    m.s.segment(Seg::es) = m.cache(0x23 & ~3);
    m.s.segment(Seg::es).selector = 0x23;
    m.step();
    EXPECT_EQ(m.s.cpl(), 3u);
    EXPECT_EQ(m.s.rip, 0x4000u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x6000u);
    EXPECT_EQ(m.s.segment(Seg::ss).selector, 0x23);
    EXPECT_EQ(m.s.segment(Seg::cs).selector, 0x1b);
    EXPECT_TRUE(m.s.segment(Seg::ds).unusable());
    EXPECT_EQ(m.s.segment(Seg::ds).selector, 0);
    EXPECT_FALSE(m.s.segment(Seg::es).unusable());
}

TEST(Transfers, ReturnToInnerLevelFaults) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write(0x1000, {0xcb}); // retf to CPL 0 code from CPL 3
    m.s.reg(Gpr::rsp) = 0x7000;
    m.write32(0x7000, 0x4000);
    m.write32(0x7004, 0x08);
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    EXPECT_EQ(r.exception.error_code, 0x08u);
}

TEST(Transfers, SoftwareInterruptFromUserSwitchesToTssStack) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write64(Machine::idt + 0x80 * 8, gate32(0x08, 0x6000, 14, 3)); // 32-bit interrupt gate, DPL 3
    m.write(0x1000, {0xcd, 0x80});                                   // int 0x80
    m.s.rflags |= rflags::if_;
    m.s.reg(Gpr::rsp) = 0x7ff0;
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.kind, EventKind::software_int);
    EXPECT_EQ(m.s.rip, 0x1002u) << "INT n completes before delivery";
    DeliveryResult d = deliver_exception(*m.cpu, r.exception);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    EXPECT_EQ(m.s.cpl(), 0u);
    EXPECT_EQ(m.s.rip, 0x6000u);
    EXPECT_FALSE(m.s.rflags & rflags::if_) << "interrupt gate clears IF";
    const u64 sp = m.s.reg(Gpr::rsp);
    EXPECT_EQ(sp, 0x9000u - 20);
    EXPECT_EQ(m.read32(sp + 0), 0x1002u); // EIP
    EXPECT_EQ(m.read32(sp + 4), 0x1bu);   // CS
    EXPECT_TRUE(m.read32(sp + 8) & rflags::if_);
    EXPECT_EQ(m.read32(sp + 12), 0x7ff0u); // ESP
    EXPECT_EQ(m.read32(sp + 16), 0x23u);   // SS

    // IRET back to CPL 3 restores the user stack and IF.
    m.write(0x6000, {0xcf});
    ASSERT_NE(m.step().reason, StopReason::exception);
    EXPECT_EQ(m.s.cpl(), 3u);
    EXPECT_EQ(m.s.rip, 0x1002u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x7ff0u);
    EXPECT_TRUE(m.s.rflags & rflags::if_);
}

TEST(Transfers, SoftwareInterruptChecksGateDpl) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write64(Machine::idt + 0x80 * 8, gate32(0x08, 0x6000, 14, 0)); // DPL 0 gate
    m.write(0x1000, {0xcd, 0x80});
    RunResult r = m.step();
    DeliveryResult d = deliver_exception(*m.cpu, r.exception);
    // #GP(0x80 * 8 + 2) is delivered instead, through its own gate (absent here: #NP -> #DF ...).
    m.write64(Machine::idt + 13 * 8, gate32(0x08, 0x6100, 15, 0));
    m.protected32(3, 0x1000);
    m.write64(Machine::idt + 0x80 * 8, gate32(0x08, 0x6000, 14, 0));
    r = m.step();
    d = deliver_exception(*m.cpu, r.exception);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    EXPECT_EQ(d.vector, 13);
    EXPECT_EQ(m.s.rip, 0x6100u);
    EXPECT_EQ(m.read32(m.s.reg(Gpr::rsp)), 0x80u * 8 + 2) << "error code: IDT bit, no EXT";
    EXPECT_EQ(m.read32(m.s.reg(Gpr::rsp) + 4), 0x1002u);
}

TEST(Transfers, LongModeInterruptWithIst) {
    Machine m;
    m.long64(3, 0x1000);
    m.idt_gate64(3, 0x6000, 3, 1);         // INT3 gate, DPL 3, IST1
    m.write64(Machine::tss + 36, 0x50008); // IST1 (misaligned on purpose: aligned down to 16)
    m.write64(Machine::tss + 4, 0x40000);  // RSP0 (unused: IST wins)
    m.write(0x1000, {0xcc});               // int3
    m.s.reg(Gpr::rsp) = 0x7123;
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::bp);
    DeliveryResult d = deliver_exception(*m.cpu, r.exception);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    const u64 sp = m.s.reg(Gpr::rsp);
    EXPECT_EQ(sp, 0x50000u - 40);
    EXPECT_EQ(m.read64(sp + 0), 0x1001u);  // RIP after INT3
    EXPECT_EQ(m.read64(sp + 8), 0x3bu);    // CS
    EXPECT_EQ(m.read64(sp + 24), 0x7123u); // RSP
    EXPECT_EQ(m.read64(sp + 32), 0x23u);   // SS
    EXPECT_EQ(m.s.cpl(), 0u);
    EXPECT_EQ(m.s.segment(Seg::ss).selector, 0) << "null SS with RPL = new CPL";
    EXPECT_EQ(m.s.rip, 0x6000u);
    // IRETQ back to user mode.
    m.write(0x6000, {0x48, 0xcf});
    ASSERT_NE(m.step().reason, StopReason::exception);
    EXPECT_EQ(m.s.cpl(), 3u);
    EXPECT_EQ(m.s.rip, 0x1001u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x7123u);
}

TEST(Transfers, LongModeExceptionUsesRsp0AndErrorCode) {
    Machine m;
    m.long64(3, 0x1000);
    m.idt_gate64(13, 0x6000, 0);
    m.write64(Machine::tss + 4, 0x40000); // RSP0
    m.write(0x1000, {0xfa});              // cli at CPL 3, IOPL 0: #GP(0)
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    EXPECT_EQ(m.s.rip, 0x1000u) << "a fault leaves RIP at the instruction";
    ASSERT_EQ(deliver_exception(*m.cpu, r.exception).status, DeliveryStatus::delivered);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x40000u - 48);
    EXPECT_EQ(m.read64(0x40000 - 48), 0u);      // error code
    EXPECT_EQ(m.read64(0x40000 - 40), 0x1000u); // RIP
}

TEST(Transfers, SyscallAndSysret) {
    Machine m;
    m.long64(3, 0x1000);
    m.s.msr.star = (u64(0x1b) << 48) | (u64(0x30) << 32); // SYSRET CS = 0x1b + 16, SS = 0x1b + 8
    m.s.msr.lstar = 0x6000;
    m.s.msr.sfmask = rflags::if_ | rflags::tf;
    m.s.rflags |= rflags::if_;
    m.write(0x1000, {0x0f, 0x05}); // syscall
    ASSERT_NE(m.step().reason, StopReason::exception);
    EXPECT_EQ(m.s.rip, 0x6000u);
    EXPECT_EQ(m.s.reg(Gpr::rcx), 0x1002u);
    EXPECT_TRUE(m.s.reg(Gpr::r11) & rflags::if_);
    EXPECT_FALSE(m.s.rflags & rflags::if_);
    EXPECT_EQ(m.s.cpl(), 0u);
    EXPECT_EQ(m.s.segment(Seg::cs).selector, 0x30);
    EXPECT_TRUE(m.s.segment(Seg::cs).long_mode());
    m.write(0x6000, {0x48, 0x0f, 0x07}); // sysretq
    ASSERT_NE(m.step().reason, StopReason::exception);
    EXPECT_EQ(m.s.rip, 0x1002u);
    EXPECT_EQ(m.s.cpl(), 3u);
    EXPECT_EQ(m.s.segment(Seg::cs).selector, u16((0x1b + 16) | 3));
    EXPECT_TRUE(m.s.rflags & rflags::if_);
    // SYSRET at CPL 3 faults.
    m.write(0x1002, {0x48, 0x0f, 0x07});
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
}

TEST(Transfers, RealModeInterruptThroughIvt) {
    Machine m;                       // real mode at 0000:1000
    m.write16(0x21 * 4, 0x0200);     // IP
    m.write16(0x21 * 4 + 2, 0x0300); // CS
    m.write(0x1000, {0xcd, 0x21});
    m.s.reg(Gpr::rsp) = 0x7000;
    m.s.rflags |= rflags::if_ | rflags::tf;
    RunResult r = m.step();
    // TF was set: the INT trap is reported (single-step is suppressed by the INT's delivery).
    ASSERT_EQ(r.reason, StopReason::exception);
    ASSERT_EQ(r.exception.kind, EventKind::software_int);
    ASSERT_EQ(deliver_exception(*m.cpu, r.exception).status, DeliveryStatus::delivered);
    EXPECT_EQ(m.s.segment(Seg::cs).selector, 0x300);
    EXPECT_EQ(m.s.segment(Seg::cs).base, 0x3000u);
    EXPECT_EQ(m.s.rip, 0x200u);
    EXPECT_EQ(m.read16(0x7000 - 2), rflags::fixed1 | rflags::if_ | rflags::tf); // FLAGS pushed first
    EXPECT_EQ(m.read16(0x7000 - 4), 0x0000u);                                   // CS
    EXPECT_EQ(m.read16(0x7000 - 6), 0x1002u);                                   // IP
    EXPECT_FALSE(m.s.rflags & (rflags::if_ | rflags::tf));
    // IRET returns and restores IF/TF.
    m.write(0x3200, {0xcf});
    r = m.step();
    EXPECT_EQ(m.s.rip, 0x1002u);
    EXPECT_TRUE(m.s.rflags & rflags::if_);
}

} // namespace

namespace {

TEST(Transfers, CallGateToInnerLevelCopiesParameters) {
    Machine m;
    m.protected32(3, 0x1000);
    // 0x48: 32-bit call gate, DPL 3, to 0x08:0x6000, 2 parameters.
    m.write64(Machine::gdt + 0x48, gate32(0x08, 0x6000, 12, 3) | (2ull << 32));
    m.s.gdtr.limit = 0x4f;
    m.write(0x1000, {0x9a, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x00}); // call far 0x4b:0 (offset ignored)
    m.s.reg(Gpr::rsp) = 0x7000;
    m.write32(0x7000, 0x1111); // parameter 1 (top of the stack)
    m.write32(0x7004, 0x2222); // parameter 2
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::budget) << int(r.exception.vector) << " " << r.exception.error_code;
    EXPECT_EQ(m.s.cpl(), 0u);
    EXPECT_EQ(m.s.rip, 0x6000u);
    const u64 sp = m.s.reg(Gpr::rsp);
    EXPECT_EQ(sp, 0x9000u - 24);
    EXPECT_EQ(m.read32(sp + 0), 0x1007u); // EIP
    EXPECT_EQ(m.read32(sp + 4), 0x1bu);   // CS
    EXPECT_EQ(m.read32(sp + 8), 0x1111u); // parameters in the caller's order
    EXPECT_EQ(m.read32(sp + 12), 0x2222u);
    EXPECT_EQ(m.read32(sp + 16), 0x7000u); // ESP
    EXPECT_EQ(m.read32(sp + 20), 0x23u);   // SS
    // RETF 8 returns to CPL 3 and drops the parameters from the caller's stack.
    m.write(0x6000, {0xca, 0x08, 0x00});
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.cpl(), 3u);
    EXPECT_EQ(m.s.rip, 0x1007u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x7008u);
}

TEST(Transfers, CallGatePrivilegeChecks) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write64(Machine::gdt + 0x48, gate32(0x08, 0x6000, 12, 0)); // gate DPL 0: not callable from CPL 3
    m.s.gdtr.limit = 0x4f;
    m.write(0x1000, {0x9a, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x00});
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    EXPECT_EQ(r.exception.error_code, 0x48u);
    // JMP through a gate to a more privileged non-conforming segment is not allowed.
    m.write64(Machine::gdt + 0x48, gate32(0x08, 0x6000, 12, 3));
    m.write(0x1000, {0xea, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x00});
    r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.error_code, 0x08u);
}

} // namespace

namespace {

TEST(Transfers, Virtual8086RoundTrip) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write64(Machine::idt + 0x21 * 8, gate32(0x08, 0x6000, 14, 3)); // INT 21h gate, DPL 3
    m.write64(Machine::idt + 13 * 8, gate32(0x08, 0x6100, 14, 0));
    // IRET to V86: EIP, CS, EFLAGS (VM, IOPL 3), ESP, SS, ES, DS, FS, GS.
    m.s.reg(Gpr::rsp) = 0x7000;
    const u32 v86_flags = u32(rflags::fixed1 | rflags::vm | (3u << rflags::iopl_shift) | rflags::if_);
    const u32 frame[] = {0x0100, 0x2000, v86_flags, 0x0ffe, 0x3000, 0x1111, 0x2222, 0x3333, 0x4444};
    for (unsigned k = 0; k < 9; k++)
        m.write32(0x7000 + 4 * k, frame[k]);
    m.write(0x1000, {0xcf}); // iretd
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::mode_changed);
    EXPECT_EQ(m.s.mode(), CpuMode::v86);
    EXPECT_EQ(m.s.cpl(), 3u);
    EXPECT_EQ(m.s.segment(Seg::cs).base, 0x20000u);
    EXPECT_EQ(m.s.segment(Seg::ds).selector, 0x2222);
    EXPECT_EQ(m.s.segment(Seg::ds).base, 0x22220u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x0ffeu);
    // In V86: mov ax, [0x10] uses real-mode addressing; INT 21h goes to the ring-0 handler.
    m.write16(0x22220 + 0x10, 0xcafe);
    m.write(0x20100, {0xa1, 0x10, 0x00, 0xcd, 0x21});
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xffff, 0xcafeu);
    r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    ASSERT_EQ(deliver_exception(*m.cpu, r.exception).status, DeliveryStatus::delivered);
    EXPECT_EQ(m.s.mode(), CpuMode::protected_mode);
    EXPECT_EQ(m.s.cpl(), 0u);
    EXPECT_EQ(m.s.rip, 0x6000u);
    const u64 sp = m.s.reg(Gpr::rsp);
    EXPECT_EQ(sp, 0x9000u - 36);
    EXPECT_EQ(m.read32(sp + 0), 0x0105u); // EIP after INT 21h
    EXPECT_EQ(m.read32(sp + 4), 0x2000u); // CS
    EXPECT_TRUE(m.read32(sp + 8) & rflags::vm);
    EXPECT_EQ(m.read32(sp + 12), 0x0ffeu); // ESP
    EXPECT_EQ(m.read32(sp + 16), 0x3000u); // SS
    EXPECT_EQ(m.read32(sp + 20), 0x1111u); // ES
    EXPECT_EQ(m.read32(sp + 24), 0x2222u); // DS
    EXPECT_EQ(m.read32(sp + 32), 0x4444u); // GS
    EXPECT_TRUE(m.s.segment(Seg::ds).unusable()) << "data segments are nulled on the way out of V86";
    // IRET back into V86 continues after the INT.
    m.write(0x6000, {0xcf});
    ASSERT_EQ(m.step().reason, StopReason::mode_changed);
    EXPECT_EQ(m.s.mode(), CpuMode::v86);
    EXPECT_EQ(m.s.rip, 0x0105u);
    EXPECT_EQ(m.s.segment(Seg::ds).selector, 0x2222);
}

TEST(Transfers, Virtual8086IoplSensitiveInstructions) {
    Machine m;
    m.protected32(0, 0x1000);
    m.s.rflags = rflags::fixed1 | rflags::vm; // IOPL 0
    m.s.segment(Seg::cs) = SegmentRegister{0x100, 0x1000, 0xffff, seg_attr::real_mode_code | (3u << 5)};
    m.s.segment(Seg::ss) = SegmentRegister{0x0, 0x0, 0xffff, seg_attr::real_mode_data | (3u << 5)};
    m.s.rip = 0;
    m.s.reg(Gpr::rsp) = 0x800;
    for (u8 op : {u8(0xfa), u8(0xfb), u8(0x9c), u8(0x9d), u8(0xcf)}) { // CLI STI PUSHF POPF IRET
        m.write(0x1000, {op});
        m.s.rip = 0;
        RunResult r = m.step();
        ASSERT_EQ(r.reason, StopReason::exception) << int(op);
        EXPECT_EQ(r.exception.vector, Vector::gp) << int(op);
    }
    m.write(0x1000, {0xcd, 0x10}); // INT n with IOPL < 3: #GP(0) to the monitor
    m.s.rip = 0;
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    // Port I/O in V86 goes by the I/O bitmap only (IOPL does not matter).
    m.write(0x1000, {0xe4, 0x60});
    m.s.rip = 0;
    EXPECT_EQ(m.step().reason, StopReason::budget);
}

} // namespace
