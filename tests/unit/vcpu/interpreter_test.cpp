// The run loop: stop reasons, self-modifying code under the decode cache, mode switches, string
// instructions with address sizes, and a real-mode to long-mode boot path.
#include <gtest/gtest.h>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

TEST(Interpreter, HaltStopsWithRipAfterHlt) {
    Machine m;
    m.write(0x1000, {0x90, 0x90, 0xf4, 0x90});
    RunResult r = m.cpu->run(100);
    EXPECT_EQ(r.reason, StopReason::halted);
    EXPECT_EQ(r.executed, 3u);
    EXPECT_EQ(m.s.rip, 0x1003u);
    EXPECT_TRUE(m.s.halted);
}

TEST(Interpreter, BudgetIsHonoured) {
    Machine m;
    m.write(0x1000, {0xeb, 0xfe}); // jmp $
    RunResult r = m.cpu->run(1000);
    EXPECT_EQ(r.reason, StopReason::budget);
    EXPECT_EQ(r.executed, 1000u);
}

TEST(Interpreter, SelfModifyingCodeIsSeen) {
    Machine m;
    // mov byte [0x1006], 0x41 (patches the instruction at 0x1006: inc ax -> inc cx); then the loop.
    m.write(0x1000, {0xc6, 0x06, 0x06, 0x10, 0x41, 0x90, 0x40, 0xf4});
    m.s.reg(Gpr::rcx) = 0;
    // Run the unpatched code once so the decode cache holds "inc ax" at 0x1006.
    m.s.rip = 0x1006;
    ASSERT_EQ(m.cpu->run(10).reason, StopReason::halted);
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xffff, 1u);
    m.s.rip = 0x1000;
    EXPECT_EQ(m.cpu->run(10).executed, 0u) << "a halted CPU stays halted";
    m.s.halted = false;
    ASSERT_EQ(m.cpu->run(10).reason, StopReason::halted);
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xffff, 1u);
    EXPECT_EQ(m.s.reg(Gpr::rcx) & 0xffff, 1u) << "the patched instruction ran";
}

TEST(Interpreter, RealModeBootToLongMode) {
    Machine m;
    // GDT with flat 32-bit and 64-bit code; page tables at 0x10000 as Machine::long64 builds them.
    m.build_gdt();
    m.write64(0x10000, 0x11000 | 3);
    m.write64(0x11000, 0x12000 | 3);
    m.write64(0x12000, 0x83);
    m.write16(0x900, 0x47); // GDT pseudo-descriptor at 0x900
    m.write32(0x902, Machine::gdt);
    // 16-bit: lgdt [0x900]; mov eax, cr0; or al, 1; mov cr0, eax; jmp 0x08:0x1100
    m.write(0x1000, {0x0f, 0x01, 0x16, 0x00, 0x09, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f,
                     0x22, 0xc0, 0x66, 0xea, 0x00, 0x11, 0x00, 0x00, 0x08, 0x00});
    // 32-bit: mov eax, cr4; or eax, 0x20; mov cr4, eax; mov eax, 0x10000; mov cr3, eax;
    //         mov ecx, 0xc0000080; rdmsr; or eax, 0x100; wrmsr; mov eax, cr0; or eax, 0x80000000;
    //         mov cr0, eax; jmp 0x30:0x1200
    m.write(0x1100, {0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, 0xb8, 0x00, 0x00, 0x01,
                     0x00, 0x0f, 0x22, 0xd8, 0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0x0d, 0x00,
                     0x01, 0x00, 0x00, 0x0f, 0x30, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80,
                     0x0f, 0x22, 0xc0, 0xea, 0x00, 0x12, 0x00, 0x00, 0x30, 0x00});
    // 64-bit: mov rax, 0x123456789abcdef0; hlt
    m.write(0x1200, {0x48, 0xb8, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12, 0xf4});
    std::vector<CpuMode> modes;
    for (int i = 0; i < 20; i++) {
        RunResult r = m.cpu->run(1000);
        ASSERT_NE(r.reason, StopReason::exception)
            << "vector " << int(r.exception.vector) << " at " << std::hex << m.s.rip;
        if (r.reason == StopReason::mode_changed) modes.push_back(m.s.mode());
        if (r.reason == StopReason::halted) break;
    }
    EXPECT_EQ(m.s.mode(), CpuMode::long64);
    EXPECT_TRUE(m.s.efer & efer::lma);
    EXPECT_EQ(m.s.reg(Gpr::rax), 0x123456789abcdef0u);
    ASSERT_GE(modes.size(), 2u);
    EXPECT_EQ(modes.front(), CpuMode::protected_mode);
    EXPECT_EQ(modes.back(), CpuMode::long64);
}

TEST(Interpreter, RepMovsWithAddressSizes) {
    Machine m;
    m.protected32(0, 0x1000);
    for (int i = 0; i < 64; i++)
        m.ram[0x4000 + i] = u8(i);
    m.write(0x1000, {0xf3, 0xa5}); // rep movsd
    m.s.reg(Gpr::rsi) = 0x4000;
    m.s.reg(Gpr::rdi) = 0x5000;
    m.s.reg(Gpr::rcx) = 16;
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(0, memcmp(&m.ram[0x4000], &m.ram[0x5000], 64));
    EXPECT_EQ(m.s.reg(Gpr::rcx), 0u);
    EXPECT_EQ(m.s.reg(Gpr::rsi), 0x4040u);
    // 16-bit address size (67): SI/DI/CX wrap within 16 bits, upper halves untouched.
    m.write(0x1002, {0x67, 0xf3, 0xa4}); // rep movsb with 16-bit addressing
    m.s.reg(Gpr::rsi) = 0x1234ffff;
    m.s.reg(Gpr::rdi) = 0x00006000;
    m.s.reg(Gpr::rcx) = 0xabcd0002;
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.reg(Gpr::rsi), 0x12340001u);
    EXPECT_EQ(m.s.reg(Gpr::rcx), 0xabcd0000u);
    // REPNE SCASB stops at the match.
    m.write(0x7000, {'a', 'b', 'c', 0, 'x'});
    m.write(0x1005, {0xf2, 0xae}); // repne scasb
    m.s.reg(Gpr::rdi) = 0x7000;
    m.s.reg(Gpr::rcx) = 100;
    m.s.reg(Gpr::rax) = 0;
    ASSERT_EQ(m.step().reason, StopReason::budget);
    EXPECT_EQ(m.s.reg(Gpr::rdi), 0x7004u);
    EXPECT_EQ(m.s.reg(Gpr::rcx), 96u);
    EXPECT_TRUE(m.s.rflags & rflags::zf);
}

TEST(Interpreter, SixtyFourBitArithmeticAndAddressing) {
    Machine m;
    m.long64(0, 0x1000);
    // mov rbx, 0x200000; mov qword [rbx+rcx*8+8], rax; lea rdx, [rip+0x10]; imul rax, rax; cqo; idiv rcx
    m.write(0x1000, {0x48, 0xc7, 0xc3, 0x00, 0x00, 0x20, 0x00, 0x48, 0x89, 0x44, 0xcb, 0x08, 0x48, 0x8d, 0x15,
                     0x10, 0x00, 0x00, 0x00, 0x48, 0x0f, 0xaf, 0xc0, 0x48, 0x99, 0x48, 0xf7, 0xf9, 0xf4});
    m.s.reg(Gpr::rax) = u64(-12345);
    m.s.reg(Gpr::rcx) = 3;
    ASSERT_EQ(m.cpu->run(100).reason, StopReason::halted);
    EXPECT_EQ(m.read64(0x200000 + 3 * 8 + 8), u64(-12345));
    EXPECT_EQ(m.s.reg(Gpr::rdx), 0u); // remainder of 12345^2 / 3
    EXPECT_EQ(m.s.reg(Gpr::rax), u64(12345ll * 12345 / 3));
    // 32-bit writes zero-extend; 8/16-bit writes merge.
    m.write(0x1100, {0xb8, 0x01, 0x00, 0x00, 0x00, 0x66, 0xbb, 0x02, 0x00, 0xf4}); // mov eax, 1; mov bx, 2
    m.s.rip = 0x1100;
    m.s.halted = false;
    m.s.reg(Gpr::rax) = ~0ull;
    m.s.reg(Gpr::rbx) = ~0ull;
    ASSERT_EQ(m.cpu->run(100).reason, StopReason::halted);
    EXPECT_EQ(m.s.reg(Gpr::rax), 1u);
    EXPECT_EQ(m.s.reg(Gpr::rbx), 0xffffffffffff0002u);
}

TEST(Interpreter, UnsupportedInstructionIsReported) {
    Machine m;
    m.long64(0, 0x1000);
    m.write(0x1000, {0x0f, 0x58, 0xc1}); // addps xmm0, xmm1
    RunResult r = m.step();
    EXPECT_EQ(r.reason, StopReason::unsupported);
    EXPECT_EQ(m.s.rip, 0x1000u);
}

} // namespace

// Linux's real-mode setup and BIOS-era code probe the FPU: FNINIT; FNSTSW AX must run, not stop.
TEST(Interpreter, FpuProbeRuns) {
    Machine m;
    m.s.reg(Gpr::rax) = 0xffff;
    m.write(0x1000, {0xdb, 0xe3, 0xdf, 0xe0, 0xf4}); // fninit; fnstsw ax; hlt
    RunResult r = m.cpu->run(10);
    EXPECT_EQ(r.reason, StopReason::halted);
    EXPECT_EQ(m.s.reg(Gpr::rax) & 0xffff, 0u);
}
