// Integer arithmetic with exact flags, for operand sizes of 1, 2, 4 and 8 bytes.
//
// Flags are computed eagerly: each operation returns its result and rewrites the status flags it
// defines in `rf` (the RFLAGS value). Flags the SDM calls undefined are set as a current Intel core sets
// them, where the oracles (the test vectors, the host CPU) showed it; the choice is noted at each one.
#pragma once

#include "base/types.hpp"
#include "vmm/vcpu/cpu_state.hpp"

namespace realvm::vcpu::alu {

constexpr u64 size_mask(unsigned size) { return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1; }
constexpr u64 sign_bit(unsigned size) { return 1ull << (size * 8 - 1); }
constexpr u64 sign_extend(u64 v, unsigned size) {
    switch (size) {
    case 1: return u64(i64(i8(v)));
    case 2: return u64(i64(i16(v)));
    case 4: return u64(i64(i32(v)));
    default: return v;
    }
}

// PF: even number of set bits in the low byte.
constexpr bool parity_even(u64 v) {
    v &= 0xff;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return (v & 1) == 0;
}

// SF, ZF and PF of a result.
constexpr u64 szp(u64 res, unsigned size) {
    u64 f = 0;
    if ((res & size_mask(size)) == 0) f |= rflags::zf;
    if (res & sign_bit(size)) f |= rflags::sf;
    if (parity_even(res)) f |= rflags::pf;
    return f;
}

constexpr void set_flags(u64& rf, u64 mask, u64 value) { rf = (rf & ~mask) | (value & mask); }

enum class Op : u8 { add, or_, adc, sbb, and_, sub, xor_, cmp }; // the ModRM reg order of opcodes 80-83

inline u64 add(u64& rf, u64 a, u64 b, unsigned size, bool carry = false) {
    u64 m = size_mask(size);
    a &= m;
    b &= m;
    u64 res = (a + b + carry) & m;
    u64 f = szp(res, size);
    if (res < a || (carry && res == a)) f |= rflags::cf;
    if ((a ^ res) & (b ^ res) & sign_bit(size)) f |= rflags::of;
    if ((a ^ b ^ res) & 0x10) f |= rflags::af;
    set_flags(rf, rflags::arith, f);
    return res;
}

inline u64 sub(u64& rf, u64 a, u64 b, unsigned size, bool borrow = false) {
    u64 m = size_mask(size);
    a &= m;
    b &= m;
    u64 res = (a - b - borrow) & m;
    u64 f = szp(res, size);
    if (a < b || (borrow && a == b)) f |= rflags::cf;
    if ((a ^ b) & (a ^ res) & sign_bit(size)) f |= rflags::of;
    if ((a ^ b ^ res) & 0x10) f |= rflags::af;
    set_flags(rf, rflags::arith, f);
    return res;
}

// AND/OR/XOR/TEST: CF = OF = 0; AF is undefined and a current Intel core clears it.
inline u64 logic_flags(u64& rf, u64 res, unsigned size) {
    res &= size_mask(size);
    set_flags(rf, rflags::arith, szp(res, size));
    return res;
}

inline u64 binary(Op op, u64& rf, u64 a, u64 b, unsigned size) {
    switch (op) {
    case Op::add: return add(rf, a, b, size);
    case Op::or_: return logic_flags(rf, a | b, size);
    case Op::adc: return add(rf, a, b, size, rf & rflags::cf);
    case Op::sbb: return sub(rf, a, b, size, rf & rflags::cf);
    case Op::and_: return logic_flags(rf, a & b, size);
    case Op::sub:
    case Op::cmp: return sub(rf, a, b, size);
    case Op::xor_: return logic_flags(rf, a ^ b, size);
    }
    return 0;
}

// INC/DEC keep CF.
inline u64 inc(u64& rf, u64 a, unsigned size) {
    u64 cf = rf & rflags::cf;
    u64 r = add(rf, a, 1, size);
    rf = (rf & ~rflags::cf) | cf;
    return r;
}
inline u64 dec(u64& rf, u64 a, unsigned size) {
    u64 cf = rf & rflags::cf;
    u64 r = sub(rf, a, 1, size);
    rf = (rf & ~rflags::cf) | cf;
    return r;
}
inline u64 neg(u64& rf, u64 a, unsigned size) { return sub(rf, 0, a, size); }

enum class ShiftOp : u8 { rol, ror, rcl, rcr, shl, shr, sal, sar }; // ModRM reg order of C0/C1/D0-D3

// Shifts and rotates (SDM vol. 2 "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR"). The count is masked to 5 bits
// (6 for 64-bit operands); a masked count of 0 changes no flag. OF is defined only for a count of 1; for
// larger counts it is computed with the same formula, as Intel cores do.
u64 shift(ShiftOp op, u64& rf, u64 value, unsigned count, unsigned size);

// SHLD/SHRD: `value` shifted by `count`, filled from `fill`.
u64 shift_double(bool left, u64& rf, u64 value, u64 fill, unsigned count, unsigned size);

} // namespace realvm::vcpu::alu
