// Port I/O permission: IOPL, then the TSS I/O permission bitmap (SDM vol. 1 §18.5), and the IOPL
// rules of CLI/STI/PUSHF/POPF (vol. 2).
#include <gtest/gtest.h>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

constexpr u64 bitmap = Machine::tss + 0x68;

void set_port_bit(Machine& m, u16 port) { m.ram[bitmap + port / 8] |= u8(1u << (port & 7)); }

TEST(IoPermission, UserPortAccessFollowsTheBitmap) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write(0x1000, {0xec, 0x66, 0xed, 0xee}); // in al, dx; in ax, dx; out dx, al
    m.s.reg(Gpr::rdx) = 0x60;
    set_port_bit(m, 0x61);
    ASSERT_EQ(m.step().reason, StopReason::budget); // port 0x60 clear
    ASSERT_EQ(m.bus.ins.size(), 1u);
    EXPECT_EQ(m.bus.ins[0].port, 0x60);
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xff, 0x78u);
    RunResult r = m.step(); // a word at 0x60 covers 0x61: denied
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    EXPECT_EQ(r.exception.error_code, 0u);
    EXPECT_EQ(m.bus.ins.size(), 1u) << "no access happened";
    EXPECT_EQ(m.s.rip, 0x1001u);
}

TEST(IoPermission, IoplAndCplZeroBypassTheBitmap) {
    Machine m;
    m.protected32(3, 0x1000);
    for (unsigned b = 0; b < 0x2000; b++)
        m.ram[bitmap + b] = 0xff;
    m.write(0x1000, {0xee, 0xee}); // out dx, al (twice)
    m.s.reg(Gpr::rdx) = 0x3f8;
    m.s.rflags |= 3u << rflags::iopl_shift; // IOPL 3
    ASSERT_EQ(m.step().reason, StopReason::budget);
    m.protected32(0, 0x1001); // CPL 0, IOPL 0
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.bus.outs.size(), 2u);
}

TEST(IoPermission, PortBeyondTheTssLimitIsDenied) {
    Machine m;
    m.protected32(3, 0x1000);
    m.s.tr.limit = 0x68 + 0x10;                // bitmap covers ports 0..0x7f (and the byte after the last)
    m.write(0x1000, {0xe4, 0x70, 0xe4, 0x80}); // in al, 0x70; in al, 0x80
    ASSERT_EQ(m.step().reason, StopReason::budget);
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
}

TEST(IoPermission, StringIoChecksOnceAndMovesData) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write(0x1000, {0xf3, 0x6c}); // rep insb
    m.s.reg(Gpr::rdx) = 0x1f0;
    m.s.reg(Gpr::rcx) = 4;
    m.s.reg(Gpr::rdi) = 0x5000;
    m.bus.port_value = 0xab;
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.read32(0x5000), 0xababababu);
    EXPECT_EQ(m.s.reg(Gpr::rcx), 0u);
    EXPECT_EQ(m.s.reg(Gpr::rdi), 0x5004u);
    set_port_bit(m, 0x1f0);
    m.s.rip = 0x1000;
    m.s.reg(Gpr::rcx) = 4;
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(m.s.reg(Gpr::rcx), 4u);
}

TEST(IoPermission, CliStiPopfFollowIopl) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write(0x1000, {0xfa}); // cli
    m.s.rflags |= rflags::if_;
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp);
    // POPF at CPL 3 with IOPL 0 silently keeps IF and IOPL.
    m.write(0x1000, {0x9d}); // popf
    m.s.reg(Gpr::rsp) = 0x7000;
    m.write32(0x7000, u32(rflags::fixed1 | rflags::cf | (3u << rflags::iopl_shift)));
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_TRUE(m.s.rflags & rflags::cf);
    EXPECT_TRUE(m.s.rflags & rflags::if_);
    EXPECT_EQ(m.s.iopl(), 0u);
    // STI at CPL 0 sets the interrupt shadow.
    m.protected32(0, 0x1000);
    m.write(0x1000, {0xfb, 0x90});
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_TRUE(m.s.rflags & rflags::if_);
    EXPECT_TRUE(m.s.interrupt_shadow);
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_FALSE(m.s.interrupt_shadow);
}

} // namespace
