// The interpreter against the host CPU: each instruction form below runs natively and through the
// interpreter (decode + execute, 64-bit mode) on the same random registers and flags; registers and all
// six status flags (defined and undefined) must match. Forms use RAX, RBX, RCX, RDX only.
// A larger run: REALVM_DIFF_COUNT=1000000 build/bin/unit-vcpu --gtest_filter='HostDifferential*'.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "test_machine.hpp"

using namespace realvm;
using namespace realvm::vcpu;
using namespace realvm::vcpu::test;

namespace {

struct Regs {
    u64 rax, rbx, rcx, rdx, flags;
};

// Runs `insn` with the registers and flags of `r`. The red zone below RSP is skipped before pushing.
#define HOST(insn)                                                                                           \
    [](Regs& r) {                                                                                            \
        asm volatile("lea -128(%%rsp), %%rsp; push %[f]; popf; " insn                                        \
                     "; pushf; pop %[f]; lea 128(%%rsp), %%rsp"                                              \
                     : "+a"(r.rax), "+b"(r.rbx), "+c"(r.rcx), "+d"(r.rdx), [f] "+r"(r.flags)                 \
                     :                                                                                       \
                     : "cc", "memory");                                                                      \
    }

enum class Operands : u8 { any, divide, signed_divide };

struct Form {
    const char* name;
    std::vector<u8> bytes;
    void (*host)(Regs&);
    Operands operands = Operands::any;
};

const std::vector<Form>& forms() {
    static const std::vector<Form> f = {
        {"add rax,rbx", {0x48, 0x01, 0xd8}, HOST("add %%rbx, %%rax")},
        {"adc eax,ebx", {0x11, 0xd8}, HOST("adc %%ebx, %%eax")},
        {"sbb rax,rbx", {0x48, 0x19, 0xd8}, HOST("sbb %%rbx, %%rax")},
        {"sub al,bl", {0x28, 0xd8}, HOST("sub %%bl, %%al")},
        {"cmp ax,bx", {0x66, 0x39, 0xd8}, HOST("cmp %%bx, %%ax")},
        {"and rax,rbx", {0x48, 0x21, 0xd8}, HOST("and %%rbx, %%rax")},
        {"or ecx,edx", {0x09, 0xd1}, HOST("or %%edx, %%ecx")},
        {"xor ah,bh", {0x30, 0xfc}, HOST("xor %%bh, %%ah")},
        {"test rcx,rdx", {0x48, 0x85, 0xd1}, HOST("test %%rdx, %%rcx")},
        {"neg rax", {0x48, 0xf7, 0xd8}, HOST("neg %%rax")},
        {"not ebx", {0xf7, 0xd3}, HOST("not %%ebx")},
        {"inc eax", {0xff, 0xc0}, HOST("inc %%eax")},
        {"dec bx", {0x66, 0xff, 0xcb}, HOST("dec %%bx")},
        {"mul rbx", {0x48, 0xf7, 0xe3}, HOST("mul %%rbx")},
        {"mul ebx", {0xf7, 0xe3}, HOST("mul %%ebx")},
        {"mul bl", {0xf6, 0xe3}, HOST("mul %%bl")},
        {"imul rbx", {0x48, 0xf7, 0xeb}, HOST("imul %%rbx")},
        {"imul bx", {0x66, 0xf7, 0xeb}, HOST("imul %%bx")},
        {"imul rax,rbx", {0x48, 0x0f, 0xaf, 0xc3}, HOST("imul %%rbx, %%rax")},
        {"imul ecx,ebx,77", {0x6b, 0xcb, 0x4d}, HOST("imul $77, %%ebx, %%ecx")},
        {"div rbx", {0x48, 0xf7, 0xf3}, HOST("div %%rbx"), Operands::divide},
        {"div ebx", {0xf7, 0xf3}, HOST("div %%ebx"), Operands::divide},
        {"idiv rbx", {0x48, 0xf7, 0xfb}, HOST("idiv %%rbx"), Operands::signed_divide},
        {"idiv ebx", {0xf7, 0xfb}, HOST("idiv %%ebx"), Operands::signed_divide},
        {"rol rax,cl", {0x48, 0xd3, 0xc0}, HOST("rol %%cl, %%rax")},
        {"rcr ebx,cl", {0xd3, 0xdb}, HOST("rcr %%cl, %%ebx")},
        {"rcl dx,cl", {0x66, 0xd3, 0xd2}, HOST("rcl %%cl, %%dx")},
        {"sar ax,cl", {0x66, 0xd3, 0xf8}, HOST("sar %%cl, %%ax")},
        {"shr rdx,cl", {0x48, 0xd3, 0xea}, HOST("shr %%cl, %%rdx")},
        {"shl bl,cl", {0xd2, 0xe3}, HOST("shl %%cl, %%bl")},
        {"shld rax,rbx,cl", {0x48, 0x0f, 0xa5, 0xd8}, HOST("shld %%cl, %%rbx, %%rax")},
        {"shrd eax,ebx,cl", {0x0f, 0xad, 0xd8}, HOST("shrd %%cl, %%ebx, %%eax")},
        {"shld ax,bx,cl", {0x66, 0x0f, 0xa5, 0xd8}, HOST("shld %%cl, %%bx, %%ax")},
        {"bt rax,rbx", {0x48, 0x0f, 0xa3, 0xd8}, HOST("bt %%rbx, %%rax")},
        {"btc eax,ebx", {0x0f, 0xbb, 0xd8}, HOST("btc %%ebx, %%eax")},
        {"bts rax,rbx", {0x48, 0x0f, 0xab, 0xd8}, HOST("bts %%rbx, %%rax")},
        {"btr ax,bx", {0x66, 0x0f, 0xb3, 0xd8}, HOST("btr %%bx, %%ax")},
        {"bsf rax,rbx", {0x48, 0x0f, 0xbc, 0xc3}, HOST("bsf %%rbx, %%rax")},
        {"bsr ecx,ebx", {0x0f, 0xbd, 0xcb}, HOST("bsr %%ebx, %%ecx")},
        {"xadd rax,rbx", {0x48, 0x0f, 0xc1, 0xd8}, HOST("xadd %%rbx, %%rax")},
        {"cmpxchg rbx,rcx", {0x48, 0x0f, 0xb1, 0xcb}, HOST("cmpxchg %%rcx, %%rbx")},
        {"bswap rax", {0x48, 0x0f, 0xc8}, HOST("bswap %%rax")},
        {"bswap ebx", {0x0f, 0xcb}, HOST("bswap %%ebx")},
        {"cqo", {0x48, 0x99}, HOST("cqo")},
        {"cwd", {0x66, 0x99}, HOST("cwd")},
        {"cdqe", {0x48, 0x98}, HOST("cdqe")},
        {"cbw", {0x66, 0x98}, HOST("cbw")},
        {"movsx rax,bl", {0x48, 0x0f, 0xbe, 0xc3}, HOST("movsbq %%bl, %%rax")},
        {"movzx ecx,dx", {0x0f, 0xb7, 0xca}, HOST("movzwl %%dx, %%ecx")},
        {"movsxd rdx,ebx", {0x48, 0x63, 0xd3}, HOST("movslq %%ebx, %%rdx")},
        {"cmovl eax,ebx", {0x0f, 0x4c, 0xc3}, HOST("cmovl %%ebx, %%eax")},
        {"setbe cl", {0x0f, 0x96, 0xc1}, HOST("setbe %%cl")},
        {"lahf", {0x9f}, HOST("lahf")},
        {"sahf", {0x9e}, HOST("sahf")},
        {"cmc", {0xf5}, HOST("cmc")},
        {"popcnt rax,rbx", {0xf3, 0x48, 0x0f, 0xb8, 0xc3}, HOST("popcnt %%rbx, %%rax")},
    };
    return f;
}

u64 random_operand(std::mt19937_64& rng) {
    // Mix uniform values with edge cases (0, 1, all ones, sign bits of each width).
    static const u64 edges[] = {0,
                                1,
                                2,
                                0x7f,
                                0x80,
                                0xff,
                                0x7fff,
                                0x8000,
                                0xffff,
                                0x7fffffff,
                                0x80000000,
                                0xffffffff,
                                0x7fffffffffffffff,
                                0x8000000000000000,
                                ~0ull};
    switch (rng() % 4) {
    case 0: return edges[rng() % (sizeof edges / sizeof edges[0])];
    case 1: return rng() & 0xff;
    default: return rng();
    }
}

TEST(HostDifferential, ArithmeticLogicShiftsAndBitsMatchTheHostCpu) {
    const char* env = std::getenv("REALVM_DIFF_COUNT");
    const unsigned per_form = env ? unsigned(std::strtoul(env, nullptr, 0)) : 3000;
    std::mt19937_64 rng(12345);
    Machine m;
    m.long64(0, 0x1000);
    const CpuState base = m.s;
    unsigned total = 0;
    for (const Form& form : forms()) {
        unsigned failures = 0;
        for (unsigned n = 0; n < per_form && failures < 5; n++) {
            Regs in{random_operand(rng), random_operand(rng), random_operand(rng), random_operand(rng),
                    (rng() & rflags::arith) | rflags::fixed1};
            if (form.operands == Operands::divide) {
                // The quotient must fit: EDX:EAX / EBX needs EDX < EBX (likewise for 64 bits).
                const u64 mask = form.bytes[0] == 0x48 ? ~0ull : 0xffffffffull;
                if ((in.rbx & mask) == 0) in.rbx |= 1;
                in.rdx = (in.rdx & mask) % (in.rbx & mask);
            } else if (form.operands == Operands::signed_divide) {
                const bool wide = form.bytes[0] == 0x48;
                if (wide) {
                    in.rdx = i64(in.rax) < 0 ? ~0ull : 0;
                    if (in.rbx == 0 || (in.rbx == ~0ull && in.rax == 0x8000000000000000)) in.rbx = 3;
                } else {
                    in.rdx = i32(in.rax) < 0 ? 0xffffffff : 0;
                    const u32 b = u32(in.rbx);
                    if (b == 0 || (b == 0xffffffff && u32(in.rax) == 0x80000000)) in.rbx = 3;
                }
            }
            Regs host = in;
            form.host(host);

            m.s = base;
            m.s.reg(Gpr::rax) = in.rax;
            m.s.reg(Gpr::rbx) = in.rbx;
            m.s.reg(Gpr::rcx) = in.rcx;
            m.s.reg(Gpr::rdx) = in.rdx;
            m.s.rflags = in.flags;
            std::memcpy(&m.ram[0x1000], form.bytes.data(), form.bytes.size());
            RunResult r = m.step();
            ASSERT_EQ(r.reason, StopReason::budget) << form.name << " vector " << int(r.exception.vector);
            const bool same = host.rax == m.s.reg(Gpr::rax) && host.rbx == m.s.reg(Gpr::rbx) &&
                              host.rcx == m.s.reg(Gpr::rcx) && host.rdx == m.s.reg(Gpr::rdx) &&
                              (host.flags & rflags::arith) == (m.s.rflags & rflags::arith);
            if (!same) {
                failures++;
                ADD_FAILURE() << form.name << std::hex << "\n  in  rax=" << in.rax << " rbx=" << in.rbx
                              << " rcx=" << in.rcx << " rdx=" << in.rdx << " flags=" << in.flags
                              << "\n  cpu rax=" << host.rax << " rbx=" << host.rbx << " rcx=" << host.rcx
                              << " rdx=" << host.rdx << " flags=" << (host.flags & rflags::arith)
                              << "\n  us  rax=" << m.s.reg(Gpr::rax) << " rbx=" << m.s.reg(Gpr::rbx)
                              << " rcx=" << m.s.reg(Gpr::rcx) << " rdx=" << m.s.reg(Gpr::rdx)
                              << " flags=" << (m.s.rflags & rflags::arith);
            }
            total++;
        }
    }
    EXPECT_GT(total, 0u);
}

} // namespace
