// Arithmetic, logic, shifts, multiply/divide, BCD and bit instructions (SDM vol. 2; flags as vol. 1
// appendix A).
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

using alu::Op;
using alu::size_mask;

namespace {

u64& flags(Interpreter& cpu) { return cpu.state().rflags; }

} // namespace

bool alu_rm_reg(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const Op op = static_cast<Op>(i.opcode >> 3);
    const bool to_reg = i.opcode & 2;
    auto rm = cpu.rm_operand(i);
    u64 a, b;
    u64 r = cpu.reg(i.modrm_reg, size, i.has_rex());
    if (!cpu.read_operand(i, rm, size, to_reg ? b : a)) return false;
    (to_reg ? a : b) = r;
    if (!to_reg && !rm.is_reg && op != Op::cmp && !cpu.check_write(rm.seg, rm.offset, size)) return false;
    u64 rf = flags(cpu);
    u64 res = alu::binary(op, rf, a, b, size);
    if (op != Op::cmp) {
        if (to_reg)
            cpu.set_reg(i.modrm_reg, size, res, i.has_rex());
        else if (!cpu.write_operand(i, rm, size, res))
            return false;
    }
    flags(cpu) = rf;
    return true;
}

bool alu_acc_imm(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const Op op = static_cast<Op>(i.opcode >> 3);
    u64 rf = flags(cpu);
    u64 res = alu::binary(op, rf, cpu.gpr(Gpr::rax, size), u64(i.immediate_signed()), size);
    if (op != Op::cmp) cpu.set_gpr(Gpr::rax, size, res);
    flags(cpu) = rf;
    return true;
}

bool alu_group1(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const Op op = static_cast<Op>(i.group_index());
    auto rm = cpu.rm_operand(i);
    u64 a;
    if (!cpu.read_operand(i, rm, size, a)) return false;
    u64 rf = flags(cpu);
    u64 res = alu::binary(op, rf, a, u64(i.immediate_signed()), size);
    if (op != Op::cmp && !cpu.write_operand(i, rm, size, res)) return false;
    flags(cpu) = rf;
    return true;
}

bool test_rm_reg(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    u64 a;
    if (!cpu.read_operand(i, cpu.rm_operand(i), size, a)) return false;
    alu::logic_flags(flags(cpu), a & cpu.reg(i.modrm_reg, size, i.has_rex()), size);
    return true;
}

bool test_acc_imm(Interpreter& cpu, const Instruction& i) {
    alu::logic_flags(flags(cpu), cpu.gpr(Gpr::rax, i.operand_size) & u64(i.immediate_signed()),
                     i.operand_size);
    return true;
}

bool inc_dec_reg(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const unsigned r = i.opcode & 7;
    u64 v = cpu.reg(r, size, true);
    v = (i.opcode & 8) ? alu::dec(flags(cpu), v, size) : alu::inc(flags(cpu), v, size);
    cpu.set_reg(r, size, v, true);
    return true;
}

bool group_fe_ff(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    auto rm = cpu.rm_operand(i);
    switch (i.group_index()) {
    case 0:
    case 1: {
        u64 v;
        if (!cpu.read_operand(i, rm, size, v)) return false;
        u64 rf = flags(cpu);
        v = i.group_index() ? alu::dec(rf, v, size) : alu::inc(rf, v, size);
        if (!cpu.write_operand(i, rm, size, v)) return false;
        flags(cpu) = rf;
        return true;
    }
    case 2:
    case 4: {
        u64 target;
        if (!cpu.read_operand(i, rm, size, target)) return false;
        if (i.group_index() == 2) return near_call_to(cpu, i, target);
        return cpu.jump_near(target, size);
    }
    case 3:
    case 5: {
        if (rm.is_reg) return cpu.raise_ud();
        u64 offset, selector;
        if (!cpu.read(rm.seg, rm.offset, size, offset)) return false;
        if (!cpu.read(rm.seg, (rm.offset + size) & Interpreter::mask(i.address_size), 2, selector))
            return false;
        return far_transfer(cpu, i, u16(selector), offset, i.group_index() == 3);
    }
    case 6: {
        u64 v;
        if (!cpu.read_operand(i, rm, size, v)) return false;
        return cpu.push(v, size);
    }
    default: return cpu.raise_ud();
    }
}

bool group_f6_f7(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const unsigned bits = size * 8;
    const u64 m = size_mask(size);
    auto rm = cpu.rm_operand(i);
    u64 v;
    if (!cpu.read_operand(i, rm, size, v)) return false;
    u64& rf = flags(cpu);
    switch (i.group_index()) {
    case 0:
    case 1: alu::logic_flags(rf, v & u64(i.immediate_signed()), size); return true;
    case 2: return cpu.write_operand(i, rm, size, ~v & m);
    case 3: {
        u64 f = rf;
        u64 res = alu::neg(f, v, size);
        if (!cpu.write_operand(i, rm, size, res)) return false;
        rf = f;
        return true;
    }
    case 4:
    case 5: {
        // MUL/IMUL: CF = OF = the high half is significant. SF, ZF, AF, PF are undefined: Intel cores
        // set SF and PF from the low half and clear ZF and AF (host-verified, host_differential_test).
        const bool is_signed = i.group_index() == 5;
        u64 a = cpu.gpr(Gpr::rax, size);
        u64 lo, hi;
        bool overflow;
        if (is_signed) {
            __int128 p = __int128(i64(alu::sign_extend(a, size))) * __int128(i64(alu::sign_extend(v, size)));
            lo = u64(p) & m;
            hi = size == 8 ? u64(p >> 64) : u64(p >> bits) & m;
            overflow = p != __int128(i64(alu::sign_extend(lo, size)));
        } else {
            unsigned __int128 p = (unsigned __int128)a * v;
            lo = u64(p) & m;
            hi = size == 8 ? u64(p >> 64) : u64(p >> bits) & m;
            overflow = hi != 0;
        }
        if (size == 1) {
            cpu.set_gpr(Gpr::rax, 2, (hi << 8) | lo);
        } else {
            cpu.set_gpr(Gpr::rax, size, lo);
            cpu.set_gpr(Gpr::rdx, size, hi);
        }
        u64 f = (alu::szp(lo, size) & ~rflags::zf) | (overflow ? rflags::cf | rflags::of : 0);
        alu::set_flags(rf, rflags::arith, f);
        return true;
    }
    case 6:
    case 7: {
        // DIV/IDIV: #DE on a zero divisor or a quotient that does not fit (SDM vol. 2 DIV, IDIV). The
        // flags are undefined; they are left unchanged.
        const bool is_signed = i.group_index() == 7;
        if ((v & m) == 0) return cpu.raise(Exception::make(Vector::de));
        unsigned __int128 dividend;
        if (size == 1)
            dividend = cpu.gpr(Gpr::rax, 2);
        else
            dividend = ((unsigned __int128)cpu.gpr(Gpr::rdx, size) << bits) | cpu.gpr(Gpr::rax, size);
        u64 q, r;
        if (is_signed) {
            // Sign-extend the double-width dividend.
            __int128 sd;
            if (bits * 2 == 128)
                sd = __int128(dividend);
            else
                sd = __int128(dividend << (128 - 2 * bits)) >> (128 - 2 * bits);
            __int128 sv = i64(alu::sign_extend(v, size));
            __int128 sq, sr;
            if (sv == -1) {
                // -dividend: the most negative 128-bit value has no negation (and is out of range anyway).
                if (sd == __int128((unsigned __int128)1 << 127))
                    return cpu.raise(Exception::make(Vector::de));
                sq = -sd;
                sr = 0;
            } else {
                sq = sd / sv;
                sr = sd % sv;
            }
            __int128 lim = __int128(1) << (bits - 1);
            if (sq >= lim || sq < -lim) return cpu.raise(Exception::make(Vector::de));
            q = u64(sq) & m;
            r = u64(sr) & m;
        } else {
            unsigned __int128 uq = dividend / v;
            if (uq > m) return cpu.raise(Exception::make(Vector::de));
            q = u64(uq);
            r = u64(dividend % v);
        }
        if (size == 1) {
            cpu.set_gpr(Gpr::rax, 2, (r << 8) | q);
        } else {
            cpu.set_gpr(Gpr::rax, size, q);
            cpu.set_gpr(Gpr::rdx, size, r);
        }
        return true;
    }
    }
    return cpu.raise_ud();
}

namespace {

bool imul_to_reg(Interpreter& cpu, const Instruction& i, u64 a, u64 b) {
    const unsigned size = i.operand_size;
    const u64 m = size_mask(size);
    __int128 p = __int128(i64(alu::sign_extend(a, size))) * __int128(i64(alu::sign_extend(b, size)));
    u64 lo = u64(p) & m;
    bool overflow = p != __int128(i64(alu::sign_extend(lo, size)));
    cpu.set_reg(i.modrm_reg, size, lo, i.has_rex());
    alu::set_flags(flags(cpu), rflags::arith,
                   (alu::szp(lo, size) & ~rflags::zf) | (overflow ? rflags::cf | rflags::of : 0));
    return true;
}

} // namespace

bool imul_imm(Interpreter& cpu, const Instruction& i) {
    u64 a;
    if (!cpu.read_operand(i, cpu.rm_operand(i), i.operand_size, a)) return false;
    return imul_to_reg(cpu, i, a, u64(i.immediate_signed()));
}

bool imul_reg_rm(Interpreter& cpu, const Instruction& i) {
    u64 a;
    if (!cpu.read_operand(i, cpu.rm_operand(i), i.operand_size, a)) return false;
    return imul_to_reg(cpu, i, cpu.reg(i.modrm_reg, i.operand_size, i.has_rex()), a);
}

bool shift_group(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    unsigned count;
    switch (i.opcode) {
    case 0xc0:
    case 0xc1: count = unsigned(i.immediate & 0xff); break;
    case 0xd0:
    case 0xd1: count = 1; break;
    default: count = unsigned(cpu.gpr(Gpr::rcx, 1)); break;
    }
    auto rm = cpu.rm_operand(i);
    u64 v;
    if (!cpu.read_operand(i, rm, size, v)) return false;
    u64 rf = flags(cpu);
    u64 res = alu::shift(static_cast<alu::ShiftOp>(i.group_index()), rf, v, count, size);
    if (!cpu.write_operand(i, rm, size, res)) return false;
    flags(cpu) = rf;
    return true;
}

bool shift_double(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const bool left = i.opcode < 0xa8;
    const unsigned count = (i.opcode & 1) ? unsigned(cpu.gpr(Gpr::rcx, 1)) : unsigned(i.immediate & 0xff);
    auto rm = cpu.rm_operand(i);
    u64 v;
    if (!cpu.read_operand(i, rm, size, v)) return false;
    u64 rf = flags(cpu);
    u64 res = alu::shift_double(left, rf, v, cpu.reg(i.modrm_reg, size, i.has_rex()), count, size);
    if (!cpu.write_operand(i, rm, size, res)) return false;
    flags(cpu) = rf;
    return true;
}

bool bcd(Interpreter& cpu, const Instruction& i) {
    u64& rf = flags(cpu);
    u64 ax = cpu.gpr(Gpr::rax, 2);
    u8 al = u8(ax), ah = u8(ax >> 8);
    const bool cf = rf & rflags::cf, af = rf & rflags::af;
    switch (i.opcode) {
    case 0x27:   // DAA
    case 0x2f: { // DAS
        const bool add = i.opcode == 0x27;
        u8 old_al = al;
        bool new_cf = false, new_af = false;
        if ((al & 0xf) > 9 || af) {
            al = add ? u8(al + 6) : u8(al - 6);
            new_cf = cf || (add ? old_al > 0xf9 : old_al < 6);
            new_af = true;
        }
        if (old_al > 0x99 || cf) {
            al = add ? u8(al + 0x60) : u8(al - 0x60);
            new_cf = true;
        }
        // OF is undefined: Intel computes it as for the final add/subtract of the adjustment.
        u64 f = alu::szp(al, 1) | (new_cf ? rflags::cf : 0) | (new_af ? rflags::af : 0);
        if (add ? (!(old_al & 0x80) && (al & 0x80)) : ((old_al & 0x80) && !(al & 0x80))) f |= rflags::of;
        alu::set_flags(rf, rflags::arith, f);
        cpu.set_gpr(Gpr::rax, 1, al);
        return true;
    }
    case 0x37:   // AAA
    case 0x3f: { // AAS
        const bool add = i.opcode == 0x37;
        u64 f = 0;
        if ((al & 0xf) > 9 || af) {
            if (add) {
                ax = (ax + 0x106) & 0xffff;
            } else {
                ax = (ax - 6) & 0xffff;
                ax = (ax & 0xff) | (u64(u8((ax >> 8) - 1)) << 8);
            }
            f = rflags::af | rflags::cf;
        }
        ax &= 0xff0f;
        // OF, SF, ZF, PF are undefined; here computed from the AL result.
        f |= alu::szp(ax & 0xff, 1);
        alu::set_flags(rf, rflags::arith, f);
        cpu.set_gpr(Gpr::rax, 2, ax);
        return true;
    }
    case 0xd4: { // AAM
        const u8 base = u8(i.immediate);
        if (base == 0) return cpu.raise(Exception::make(Vector::de));
        ah = al / base;
        al = al % base;
        alu::set_flags(rf, rflags::arith, alu::szp(al, 1));
        cpu.set_gpr(Gpr::rax, 2, (u64(ah) << 8) | al);
        return true;
    }
    case 0xd5: { // AAD: AL = AL + AH * imm8, AH = 0; flags as the 8-bit add that computes it.
        const u8 base = u8(i.immediate);
        u64 f = rf;
        u64 res = alu::add(f, al, u8(ah * base), 1);
        alu::set_flags(rf, rflags::arith, f);
        cpu.set_gpr(Gpr::rax, 2, res & 0xff);
        return true;
    }
    }
    return cpu.raise_ud();
}

bool salc(Interpreter& cpu, const Instruction&) {
    cpu.set_gpr(Gpr::rax, 1, (flags(cpu) & rflags::cf) ? 0xff : 0);
    return true;
}

bool convert(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    if (i.opcode == 0x98) {
        cpu.set_gpr(Gpr::rax, size, alu::sign_extend(cpu.gpr(Gpr::rax, size / 2), size / 2));
    } else {
        u64 sign = cpu.gpr(Gpr::rax, size) & alu::sign_bit(size);
        cpu.set_gpr(Gpr::rdx, size, sign ? ~0ull : 0);
    }
    return true;
}

bool bit_test(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const unsigned bits = size * 8;
    unsigned op; // 0 BT, 1 BTS, 2 BTR, 3 BTC
    u64 offset;
    bool imm = i.opcode == 0xba;
    if (imm) {
        op = i.group_index() - 4;
        offset = i.immediate & (bits - 1);
    } else {
        op = (i.opcode >> 3) & 3;
        offset = cpu.reg(i.modrm_reg, size, i.has_rex());
    }
    auto rm = cpu.rm_operand(i);
    if (!rm.is_reg && !imm) {
        // A register bit offset addresses memory beyond the operand (SDM vol. 2 BT, "bit base").
        i64 soff = i64(alu::sign_extend(offset, size));
        i64 disp = (soff >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * i64(size);
        rm.offset = (rm.offset + u64(disp)) & Interpreter::mask(i.address_size);
    }
    offset &= bits - 1;
    u64 v;
    if (!cpu.read_operand(i, rm, size, v)) return false;
    const u64 b = 1ull << offset;
    const bool old = v & b;
    u64 res = v;
    switch (op) {
    case 1: res = v | b; break;
    case 2: res = v & ~b; break;
    case 3: res = v ^ b; break;
    default: break;
    }
    if (op != 0 && !cpu.write_operand(i, rm, size, res)) return false;
    alu::set_flags(flags(cpu), rflags::cf, old ? rflags::cf : 0);
    return true;
}

bool bit_scan(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const unsigned bits = size * 8;
    u64 v;
    if (!cpu.read_operand(i, cpu.rm_operand(i), size, v)) return false;
    v &= size_mask(size);
    u64& rf = flags(cpu);
    const bool forward = i.opcode == 0xbc;
    if (i.rep == RepPrefix::Rep) {
        // TZCNT/LZCNT: CF = source zero, ZF = result zero.
        unsigned n = v == 0    ? bits
                     : forward ? unsigned(__builtin_ctzll(v))
                               : unsigned(__builtin_clzll(v)) - (64 - bits);
        cpu.set_reg(i.modrm_reg, size, n, i.has_rex());
        alu::set_flags(rf, rflags::cf | rflags::zf, (v == 0 ? rflags::cf : 0) | (n == 0 ? rflags::zf : 0));
        return true;
    }
    // BSF/BSR: a zero source sets ZF and leaves the destination unchanged (as Intel and AMD cores do).
    if (v == 0) {
        // ... and, on Intel cores, sets PF and clears the other status flags (host-verified).
        alu::set_flags(rf, rflags::arith, rflags::zf | rflags::pf);
        return true;
    }
    unsigned n = forward ? unsigned(__builtin_ctzll(v)) : 63 - unsigned(__builtin_clzll(v));
    cpu.set_reg(i.modrm_reg, size, n, i.has_rex());
    // Intel cores clear CF, OF, SF, ZF, AF and set PF from the index (host-verified).
    alu::set_flags(rf, rflags::arith, alu::parity_even(n) ? rflags::pf : 0);
    return true;
}

bool bswap(Interpreter& cpu, const Instruction& i) {
    const unsigned r = (i.opcode & 7) | ((i.rex & 1) << 3);
    if (i.operand_size == 8)
        cpu.set_reg(r, 8, __builtin_bswap64(cpu.reg(r, 8, true)), true);
    else if (i.operand_size == 4)
        cpu.set_reg(r, 4, __builtin_bswap32(u32(cpu.reg(r, 4, true))), true);
    else
        cpu.set_reg(r, 2, 0, true); // 16-bit BSWAP is undefined; Intel cores clear the register
    return true;
}

bool xadd(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    auto rm = cpu.rm_operand(i);
    u64 d;
    if (!cpu.read_operand(i, rm, size, d)) return false;
    u64 s = cpu.reg(i.modrm_reg, size, i.has_rex());
    u64 rf = flags(cpu);
    u64 sum = alu::add(rf, d, s, size);
    if (!rm.is_reg && !cpu.check_write(rm.seg, rm.offset, size)) return false;
    cpu.set_reg(i.modrm_reg, size, d, i.has_rex());
    if (!cpu.write_operand(i, rm, size, sum)) return false;
    flags(cpu) = rf;
    return true;
}

bool cmpxchg(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    auto rm = cpu.rm_operand(i);
    u64 d;
    if (!cpu.read_operand(i, rm, size, d)) return false;
    u64 acc = cpu.gpr(Gpr::rax, size);
    u64 rf = flags(cpu);
    alu::sub(rf, acc, d, size);
    if (acc == d) {
        if (!cpu.write_operand(i, rm, size, cpu.reg(i.modrm_reg, size, i.has_rex()))) return false;
    } else {
        // A memory destination is written back with its own value (a locked read-modify-write); a
        // register destination is left untouched (no zero-extension of a 32-bit register).
        if (!rm.is_reg && !cpu.write_operand(i, rm, size, d)) return false;
        cpu.set_gpr(Gpr::rax, size, d);
    }
    flags(cpu) = rf;
    return true;
}

bool cmpxchg8b(Interpreter& cpu, const Instruction& i) {
    auto rm = cpu.rm_operand(i);
    if (rm.is_reg || i.group_index() != 1) return cpu.raise_ud();
    const unsigned half = i.rex_w() ? 8 : 4;
    if (half == 8 && (rm.offset & 15)) return cpu.raise_gp(0);
    u64 lo, hi;
    if (!cpu.read(rm.seg, rm.offset, half, lo) || !cpu.read(rm.seg, rm.offset + half, half, hi)) return false;
    const bool equal = lo == cpu.gpr(Gpr::rax, half) && hi == cpu.gpr(Gpr::rdx, half);
    u64 wlo = equal ? cpu.gpr(Gpr::rbx, half) : lo, whi = equal ? cpu.gpr(Gpr::rcx, half) : hi;
    if (!cpu.check_write(rm.seg, rm.offset, half * 2)) return false;
    if (!cpu.write(rm.seg, rm.offset, half, wlo) || !cpu.write(rm.seg, rm.offset + half, half, whi))
        return false;
    if (!equal) {
        cpu.set_gpr(Gpr::rax, half, lo);
        cpu.set_gpr(Gpr::rdx, half, hi);
    }
    alu::set_flags(flags(cpu), rflags::zf, equal ? rflags::zf : 0);
    return true;
}

bool popcnt(Interpreter& cpu, const Instruction& i) {
    u64 v;
    if (!cpu.read_operand(i, cpu.rm_operand(i), i.operand_size, v)) return false;
    v &= size_mask(i.operand_size);
    cpu.set_reg(i.modrm_reg, i.operand_size, u64(__builtin_popcountll(v)), i.has_rex());
    alu::set_flags(flags(cpu), rflags::arith, v == 0 ? rflags::zf : 0);
    return true;
}

} // namespace realvm::vcpu::exec
