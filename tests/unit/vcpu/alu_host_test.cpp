// The ALU against the host CPU: shifts, rotates, add/sub/logic with random operands and flags,
// comparing the result and every status flag the host sets (defined and undefined), for 8/16/32/64 bits.
#include <gtest/gtest.h>

#include <random>

#include "vmm/vcpu/alu.hpp"

using namespace realvm;
using namespace realvm::vcpu;

namespace {

constexpr u64 status = rflags::arith;

#define SHIFT_ASM(insn, suffix, reg_t, cons)                                                                 \
    asm volatile("push %[fin]; popf; " insn suffix " %%cl, %[v]; pushf; pop %[f]"                            \
                 : [v] "+" cons(v), [f] "=r"(f)                                                              \
                 : "c"(u8(count)), [fin] "r"(flags_in)                                                       \
                 : "cc")

template <typename T>
u64 host_shift(alu::ShiftOp op, u64 value, unsigned count, u64 flags_in, u64& flags_out) {
    T v = T(value);
    u64 f = 0;
    constexpr unsigned n = sizeof(T);
#define CASE(name, insn)                                                                                     \
    case alu::ShiftOp::name:                                                                                 \
        if constexpr (n == 1)                                                                                \
            SHIFT_ASM(insn, "b", T, "q");                                                                    \
        else if constexpr (n == 2)                                                                           \
            SHIFT_ASM(insn, "w", T, "r");                                                                    \
        else if constexpr (n == 4)                                                                           \
            SHIFT_ASM(insn, "l", T, "r");                                                                    \
        else                                                                                                 \
            SHIFT_ASM(insn, "q", T, "r");                                                                    \
        break;
    switch (op) {
        CASE(rol, "rol")
        CASE(ror, "ror")
        CASE(rcl, "rcl")
        CASE(rcr, "rcr")
        CASE(shl, "shl")
        CASE(shr, "shr")
        CASE(sal, "sal")
        CASE(sar, "sar")
    }
#undef CASE
    flags_out = f;
    return u64(v);
}

u64 host_shift_sized(unsigned size, alu::ShiftOp op, u64 value, unsigned count, u64 fin, u64& fout) {
    switch (size) {
    case 1: return host_shift<u8>(op, value, count, fin, fout);
    case 2: return host_shift<u16>(op, value, count, fin, fout);
    case 4: return host_shift<u32>(op, value, count, fin, fout);
    default: return host_shift<u64>(op, value, count, fin, fout);
    }
}

TEST(AluHost, ShiftsAndRotatesMatchTheHostCpu) {
    std::mt19937_64 rng(1);
    unsigned mismatches = 0;
    for (int iter = 0; iter < 200000 && mismatches < 20; iter++) {
        const unsigned size = 1u << (rng() % 4);
        const auto op = static_cast<alu::ShiftOp>(rng() % 8);
        const u64 value = rng() & alu::size_mask(size);
        const unsigned count = unsigned(rng() % 70);
        const u64 fin = (rng() & status) | rflags::fixed1;
        u64 host_flags;
        const u64 want = host_shift_sized(size, op, value, count, fin, host_flags) & alu::size_mask(size);
        u64 rf = fin;
        const u64 got = alu::shift(op, rf, value, count, size);
        if (want != got || (rf & status) != (host_flags & status)) {
            ADD_FAILURE() << "op " << int(op) << " size " << size << " value " << std::hex << value
                          << " count " << std::dec << count << " flags in " << std::hex << fin << ": host "
                          << want << " flags " << (host_flags & status) << ", ours " << got << " flags "
                          << (rf & status);
            mismatches++;
        }
    }
}

} // namespace
