// Shifts and rotates with their flags (SDM vol. 2, "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD").
#include "vmm/vcpu/alu.hpp"

namespace realvm::vcpu::alu {

namespace {

constexpr u64 bit(u64 v, unsigned n) { return (v >> n) & 1; }

} // namespace

u64 shift(ShiftOp op, u64& rf, u64 value, unsigned count, unsigned size) {
    const unsigned bits = size * 8;
    const u64 m = size_mask(size);
    count &= size == 8 ? 63 : 31;
    value &= m;
    if (count == 0) return value;
    const u64 cf_in = rf & rflags::cf ? 1 : 0;
    const u64 msb = bit(value, bits - 1), msb1 = bit(value, bits - 2);
    // OF is defined for a count of 1 only. For larger counts, Intel cores (checked against the host CPU,
    // tests/unit/vcpu/alu_host_test.cpp) set it as a 1-bit operation on the original operand would.
    u64 res = value, cf = 0, of = 0;
    switch (op) {
    case ShiftOp::rol: {
        unsigned c = count % bits;
        res = c ? ((value << c) | (value >> (bits - c))) & m : value;
        cf = res & 1;
        of = msb ^ msb1;
        set_flags(rf, rflags::cf | rflags::of, (cf ? rflags::cf : 0) | (of ? rflags::of : 0));
        return res;
    }
    case ShiftOp::ror: {
        unsigned c = count % bits;
        res = c ? ((value >> c) | (value << (bits - c))) & m : value;
        cf = bit(res, bits - 1);
        of = msb ^ (value & 1);
        set_flags(rf, rflags::cf | rflags::of, (cf ? rflags::cf : 0) | (of ? rflags::of : 0));
        return res;
    }
    case ShiftOp::rcl:
    case ShiftOp::rcr: {
        // Rotate through CF: a (bits+1)-bit rotation; 8- and 16-bit counts are taken modulo 9 and 17. A
        // rotation by a multiple of bits+1 changes nothing, flags included.
        unsigned c = count % (bits + 1);
        if (c == 0) return value;
        cf = cf_in;
        for (unsigned i = 0; i < c; i++) {
            if (op == ShiftOp::rcl) {
                u64 out = bit(res, bits - 1);
                res = ((res << 1) | cf) & m;
                cf = out;
            } else {
                u64 out = res & 1;
                res = (res >> 1) | (cf << (bits - 1));
                cf = out;
            }
        }
        of = op == ShiftOp::rcl ? msb ^ msb1 : msb ^ cf_in;
        set_flags(rf, rflags::cf | rflags::of, (cf ? rflags::cf : 0) | (of ? rflags::of : 0));
        return res;
    }
    case ShiftOp::shl:
    case ShiftOp::sal:
        if (count <= bits) {
            cf = bit(value, bits - count);
            res = count == bits ? 0 : (value << count) & m;
        } else {
            cf = 0;
            res = 0;
        }
        of = msb ^ msb1;
        break;
    case ShiftOp::shr:
        if (count <= bits) {
            cf = bit(value, count - 1);
            res = count == bits ? 0 : value >> count;
        } else {
            cf = 0;
            res = 0;
        }
        of = msb;
        break;
    case ShiftOp::sar: {
        u64 sv = sign_extend(value, size);
        unsigned c = count >= bits ? bits - 1 : count;
        cf = count >= bits ? msb : bit(sv, c - 1);
        res = u64(i64(sv) >> c) & m;
        of = 0;
        break;
    }
    }
    // AF is undefined for shifts; Intel cores clear it.
    u64 f = szp(res, size) | (cf ? rflags::cf : 0) | (of ? rflags::of : 0);
    set_flags(rf, rflags::arith, f);
    return res;
}

u64 shift_double(bool left, u64& rf, u64 value, u64 fill, unsigned count, unsigned size) {
    const unsigned bits = size * 8;
    const u64 m = size_mask(size);
    count &= size == 8 ? 63 : 31;
    value &= m;
    fill &= m;
    if (count == 0) return value;
    const u64 fill_in = fill;
    // A count larger than a 16-bit operand gives an undefined result; Intel shifts the 32-bit
    // concatenation fill:value (as here, by shifting a double-width value bit by bit).
    u64 res = value, cf = 0;
    for (unsigned i = 0; i < count; i++) {
        if (left) {
            cf = bit(res, bits - 1);
            res = ((res << 1) | bit(fill, bits - 1)) & m;
            fill = (fill << 1 | cf) & m;
        } else {
            cf = res & 1;
            res = (res >> 1) | ((fill & 1) << (bits - 1));
            fill = (fill >> 1) | (cf << (bits - 1));
        }
    }
    // OF is defined for a count of 1; Intel cores set it as for a 1-bit shift whatever the count.
    const u64 first_fill = left ? bit(value, bits - 2) : (fill_in & 1);
    u64 of = bit(value, bits - 1) ^ first_fill;
    u64 f = szp(res, size) | (cf ? rflags::cf : 0) | (of ? rflags::of : 0);
    set_flags(rf, rflags::arith, f);
    return res;
}

} // namespace realvm::vcpu::alu
