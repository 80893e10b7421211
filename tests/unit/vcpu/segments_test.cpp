// Segment loads and segment checks in protected and real mode (SDM vol. 3 §5.3-5.6; vol. 2 MOV Sreg).
#include <gtest/gtest.h>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

// Runs one instruction and expects exception `vector` with `code`, RIP and RSP unchanged.
void expect_fault(Machine& m, Vector vector, u32 code) {
    const u64 rip = m.s.rip, rsp = m.s.reg(Gpr::rsp);
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, vector);
    EXPECT_TRUE(r.exception.has_error_code);
    EXPECT_EQ(r.exception.error_code, code);
    EXPECT_EQ(m.s.rip, rip);
    EXPECT_EQ(m.s.reg(Gpr::rsp), rsp);
}

TEST(Segments, LoadDataSegmentChecksPrivilege) {
    Machine m;
    m.protected32(3, 0x1000);
    m.write(0x1000, {0x8e, 0xd8}); // mov ds, ax
    m.s.reg(Gpr::rax) = 0x10;      // DPL 0 data from CPL 3
    expect_fault(m, Vector::gp, 0x10);
    m.s.reg(Gpr::rax) = 0x23; // DPL 3 data: fine
    EXPECT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.segment(Seg::ds).selector, 0x23);
}

TEST(Segments, NotPresentAndAccessedBit) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write64(Machine::gdt + 0x48,
              descriptor(0x10000, 0xffff, 0x12 /* data, not present, not accessed */, 0x4));
    m.s.gdtr.limit = 0x5f;
    m.write(0x1000, {0x8e, 0xd8, 0x8e, 0xd8}); // mov ds, ax (twice)
    m.s.reg(Gpr::rax) = 0x48;
    expect_fault(m, Vector::np, 0x48);
    m.write64(Machine::gdt + 0x48, descriptor(0x10000, 0xffff, 0x92 & ~1u, 0x4));
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_TRUE(m.read64(Machine::gdt + 0x48) & (1ull << 40)) << "accessed bit set in the GDT";
    EXPECT_EQ(m.s.segment(Seg::ds).base, 0x10000u);
    EXPECT_EQ(m.s.segment(Seg::ds).limit, 0xffffu);
    // Beyond the GDT limit.
    m.s.reg(Gpr::rax) = 0x60;
    expect_fault(m, Vector::gp, 0x60);
}

TEST(Segments, StackSegmentRules) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write(0x1000, {0x8e, 0xd0}); // mov ss, ax
    m.s.reg(Gpr::rax) = 0;         // null SS
    expect_fault(m, Vector::gp, 0);
    m.s.reg(Gpr::rax) = 0x13; // RPL 3 != CPL 0
    expect_fault(m, Vector::gp, 0x10);
    m.s.reg(Gpr::rax) = 0x08; // code segment
    expect_fault(m, Vector::gp, 0x08);
    m.write64(Machine::gdt + 0x10, descriptor(0, 0xfffff, 0x12, flags32)); // not present
    m.s.reg(Gpr::rax) = 0x10;
    expect_fault(m, Vector::ss, 0x10);
    m.write64(Machine::gdt + 0x10, descriptor(0, 0xfffff, acc_data(0), flags32));
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_TRUE(m.s.interrupt_shadow) << "MOV SS blocks interrupts for one instruction";
}

TEST(Segments, NullSegmentFaultsOnUse) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write(0x1000, {0x8e, 0xd8, 0xa1, 0x00, 0x01, 0x00, 0x00}); // mov ds, ax; mov eax, [0x100]
    m.s.reg(Gpr::rax) = 0;
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_TRUE(m.s.segment(Seg::ds).unusable());
    expect_fault(m, Vector::gp, 0);
}

TEST(Segments, LimitsRightsAndExpandDown) {
    Machine m;
    m.protected32(0, 0x1000);
    // 0x48: read-only data, limit 0xfff; 0x50: expand-down writable data, limit 0xfff, 32-bit.
    m.write64(Machine::gdt + 0x48, descriptor(0x20000, 0xfff, 0x90, 0x4));
    m.write64(Machine::gdt + 0x50, descriptor(0x20000, 0xfff, 0x96, 0x4));
    m.s.gdtr.limit = 0x57;
    m.s.segment(Seg::ds) = m.cache(0x48);
    m.s.segment(Seg::es) = m.cache(0x50);
    m.write(0x1000, {0xa1, 0xfc, 0x0f, 0x00, 0x00}); // mov eax, [0xffc]: last dword inside
    ASSERT_EQ(m.step().reason, StopReason::budget);
    m.write(0x1005, {0xa1, 0xfd, 0x0f, 0x00, 0x00}); // mov eax, [0xffd]: crosses the limit
    expect_fault(m, Vector::gp, 0);
    m.s.rip = 0x100a;
    m.write(0x100a, {0xa3, 0x00, 0x01, 0x00, 0x00}); // mov [0x100], eax: read-only segment
    expect_fault(m, Vector::gp, 0);
    // Expand-down: offsets 0..limit are invalid, limit+1..0xffffffff valid.
    m.s.rip = 0x1010;
    m.write(0x1010, {0x26, 0xa3, 0x00, 0x08, 0x00, 0x00}); // mov es:[0x800], eax
    expect_fault(m, Vector::gp, 0);
    m.write(0x1010, {0x26, 0xa3, 0x00, 0x20, 0x00, 0x00}); // mov es:[0x2000], eax
    EXPECT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.read32(0x22000), u32(m.s.reg(Gpr::rax)));
}

TEST(Segments, StackLimitGivesStackFault) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write64(Machine::gdt + 0x48, descriptor(0x30000, 0x0ff, acc_data(0), 0x4));
    m.s.gdtr.limit = 0x4f;
    m.s.segment(Seg::ss) = m.cache(0x48);
    m.s.reg(Gpr::rsp) = 0x104; // push writes 0x100..0x103: beyond the limit 0xff
    m.write(0x1000, {0x50});   // push eax
    expect_fault(m, Vector::ss, 0);
    m.s.reg(Gpr::rsp) = 0x100;
    EXPECT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0xfcu);
}

TEST(Segments, RealModeWordAtSegmentEndFaults) {
    Machine m;                     // real mode, CS:IP = 0000:1000
    m.write(0x1000, {0x8b, 0x07}); // mov ax, [bx]
    m.s.reg(Gpr::rbx) = 0xffff;
    const RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::gp); // SDM: #GP when an operand wraps past FFFFh
    m.s.reg(Gpr::rbx) = 0xfffe;
    EXPECT_EQ(m.step().reason, StopReason::budget);
}

TEST(Segments, BigRealModeKeepsCachedLimit) {
    Machine m;
    m.s.segment(Seg::ds).limit = 0xffffffff; // as left by a return from protected mode
    m.write(0x1000, {0x67, 0x8b, 0x03});     // mov ax, [ebx] (67: 32-bit address)
    m.s.reg(Gpr::rbx) = 0x200000;
    m.write16(0x200000, 0xbeef);
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xffff, 0xbeefu);
    // Loading DS in real mode changes base and selector only.
    m.write(0x1003, {0x8e, 0xd8}); // mov ds, ax
    m.s.reg(Gpr::rax) = 0x1234;
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.segment(Seg::ds).base, 0x12340u);
    EXPECT_EQ(m.s.segment(Seg::ds).limit, 0xffffffffu);
}

} // namespace
