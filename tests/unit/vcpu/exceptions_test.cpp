// Exceptions: fault semantics (state unchanged, RIP at the instruction), #PF error codes and CR2 through
// the interpreter, and the double-fault rules of SDM vol. 3 §6.15 (table 6-5) including triple faults.
#include <gtest/gtest.h>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

TEST(Exceptions, DivideErrorIsAFaultWithStateUnchanged) {
    Machine m;
    m.protected32(0, 0x1000);
    m.write(0x1000, {0xf7, 0xf1}); // div ecx
    m.s.reg(Gpr::rax) = 5;
    m.s.reg(Gpr::rdx) = 7;
    m.s.reg(Gpr::rcx) = 7; // quotient does not fit
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::de);
    EXPECT_FALSE(r.exception.has_error_code);
    EXPECT_EQ(m.s.rip, 0x1000u);
    EXPECT_EQ(m.s.reg(Gpr::rax), 5u);
    EXPECT_EQ(m.s.reg(Gpr::rdx), 7u);
}

TEST(Exceptions, PageFaultOnPushLeavesRspAndReportsCr2) {
    Machine m;
    m.long64(0, 0x1000);
    // Unmap the 2 MiB page at 2 MiB and put the stack at its top.
    m.write64(0x12000 + 8, 0);
    m.s.reg(Gpr::rsp) = 0x400000;
    m.write(0x1000, {0x50}); // push rax
    // The stack page 0x3ff000 lies in the 2-4 MiB page: map only 0-2 MiB and 4-6 MiB.
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::pf);
    EXPECT_EQ(r.exception.error_code, pf_error::write);
    EXPECT_EQ(r.exception.cr2, 0x3ffff8u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x400000u);
    // Delivery sets CR2.
    m.idt_gate64(14, 0x6000, 0);
    m.s.reg(Gpr::rsp) = 0x100000;
    ASSERT_EQ(deliver_exception(*m.cpu, r.exception).status, DeliveryStatus::delivered);
    EXPECT_EQ(m.s.cr2, 0x3ffff8u);
    EXPECT_EQ(m.read64(m.s.reg(Gpr::rsp)), u64(pf_error::write)); // error code
}

TEST(Exceptions, UserFetchFromSupervisorPage) {
    Machine m;
    m.long64(3, 0x1000);
    m.write64(0x12000, 0 | 0x83); // first 2 MiB: supervisor only
    m.cpu->flush_tlb();
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::pf);
    EXPECT_EQ(r.exception.error_code, pf_error::present | pf_error::user | pf_error::fetch);
    EXPECT_EQ(r.exception.cr2, 0x1000u);
}

TEST(Exceptions, ContributoryDuringContributoryBecomesDoubleFault) {
    Machine m;
    m.protected32(0, 0x1000);
    // #GP's gate is not present: delivering #GP raises #NP (contributory) -> #DF.
    m.write64(Machine::idt + 13 * 8, gate32(0x08, 0x6000, 14, 0) & ~(1ull << 47));
    m.write64(Machine::idt + 8 * 8, gate32(0x08, 0x6800, 14, 0));
    DeliveryResult d = deliver_event(*m.cpu, 13, EventKind::exception, true, 0);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    EXPECT_EQ(d.vector, 8);
    EXPECT_EQ(m.s.rip, 0x6800u);
    EXPECT_EQ(m.read32(m.s.reg(Gpr::rsp)), 0u) << "#DF pushes error code 0";
}

TEST(Exceptions, BenignFirstIsHandledSerially) {
    Machine m;
    m.protected32(0, 0x1000);
    // #UD (benign) through a not-present gate raises #NP(6*8+2+EXT): delivered as such, no #DF.
    m.write64(Machine::idt + 6 * 8, gate32(0x08, 0x6000, 14, 0) & ~(1ull << 47));
    m.write64(Machine::idt + 11 * 8, gate32(0x08, 0x6400, 14, 0));
    DeliveryResult d = deliver_event(*m.cpu, 6, EventKind::exception);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    EXPECT_EQ(d.vector, 11);
    EXPECT_EQ(m.read32(m.s.reg(Gpr::rsp)), 6u * 8 + 2 + 1);
}

TEST(Exceptions, PageFaultDuringPageFaultDeliveryIsDoubleFault) {
    Machine m;
    m.long64(0, 0x1000);
    m.idt_gate64(14, 0x6000, 0);
    m.idt_gate64(8, 0x6800, 0, 1);         // #DF on IST1
    m.write64(Machine::tss + 36, 0x60000); // IST1
    m.write64(0x12000 + 8, 0);             // unmap 2-4 MiB
    m.s.reg(Gpr::rsp) = 0x300000;          // the stack is there
    DeliveryResult d = deliver_event(*m.cpu, 14, EventKind::exception, true, pf_error::write, 0x1234);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    EXPECT_EQ(d.vector, 8);
    EXPECT_EQ(m.s.rip, 0x6800u);
    EXPECT_EQ(m.s.reg(Gpr::rsp), 0x60000u - 48);
}

TEST(Exceptions, FaultDuringDoubleFaultIsTripleFault) {
    Machine m;
    m.protected32(0, 0x1000);
    // No gates at all (all zero: not present).
    const CpuState before = m.s;
    DeliveryResult d = deliver_event(*m.cpu, 13, EventKind::exception, true, 0);
    EXPECT_EQ(d.status, DeliveryStatus::triple_fault);
    EXPECT_EQ(m.s.rip, before.rip) << "a failed delivery leaves the state as it was";
    EXPECT_EQ(m.s.reg(Gpr::rsp), before.reg(Gpr::rsp));
}

TEST(Exceptions, ExternalInterruptSetsExtInErrorCode) {
    Machine m;
    m.protected32(0, 0x1000);
    m.s.idtr.limit = 0x20 * 8 - 1; // vector 0x20 beyond the limit
    m.write64(Machine::idt + 13 * 8, gate32(0x08, 0x6000, 14, 0));
    DeliveryResult d = deliver_event(*m.cpu, 0x20, EventKind::external);
    ASSERT_EQ(d.status, DeliveryStatus::delivered);
    EXPECT_EQ(d.vector, 13);
    EXPECT_EQ(m.read32(m.s.reg(Gpr::rsp)), 0x20u * 8 + 2 + 1); // IDT | EXT
}

TEST(Exceptions, SingleStepTrapAfterTheInstruction) {
    Machine m;
    m.write(0x1000, {0x40}); // inc ax (real mode)
    m.s.rflags |= rflags::tf;
    RunResult r = m.step();
    ASSERT_EQ(r.reason, StopReason::exception);
    EXPECT_EQ(r.exception.vector, Vector::db);
    EXPECT_EQ(m.s.rip, 0x1001u) << "a trap: RIP after the instruction";
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xffff, 1u);
    EXPECT_TRUE(m.s.dr[6] & (1u << 14));
}

} // namespace
