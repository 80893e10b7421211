// Segment register loads and descriptor checks (SDM vol. 3 §3.4.5 descriptors, §5.4-5.8 protection
// checks; vol. 2 MOV, POP, LDS/LES/LFS/LGS/LSS, JMP, CALL, RET), and the I/O permission check.
#include "vmm/vcpu/interpreter.hpp"

namespace realvm::vcpu {

namespace {

constexpr u32 desc_attr(u64 low) { return u32(((low >> 40) & 0xff) | (((low >> 52) & 0xf) << 12)); }

} // namespace

SegmentRegister Interpreter::cache_from_descriptor(u16 selector, u64 low, u64 high) {
    SegmentRegister r;
    r.selector = selector;
    r.base = ((low >> 16) & 0xffffff) | (((low >> 56) & 0xff) << 24) | ((high & 0xffffffffull) << 32);
    u32 limit = u32((low & 0xffff) | ((low >> 32) & 0xf0000));
    r.attr = desc_attr(low);
    if (r.attr & seg_attr::g) limit = (limit << 12) | 0xfff;
    r.limit = limit;
    return r;
}

bool Interpreter::read_descriptor(u16 selector, u64& low, u64* high, u32 error_code) {
    const bool ldt = selector & 4;
    u64 base;
    u64 limit;
    if (ldt) {
        if (s_.ldtr.unusable() || !s_.ldtr.present()) return raise_gp(error_code);
        base = s_.ldtr.base;
        limit = s_.ldtr.limit;
    } else {
        base = s_.gdtr.base;
        limit = s_.gdtr.limit;
    }
    const u64 index = selector & ~7u;
    const unsigned size = high ? 16 : 8;
    if (index + size - 1 > limit) return raise_gp(error_code);
    if (!read_linear(base + index, 8, low, AccessType::read, true)) return false;
    if (high && !read_linear(base + index + 8, 8, *high, AccessType::read, true)) return false;
    return true;
}

bool Interpreter::write_descriptor_low(u16 selector, u64 low) {
    const u64 base = (selector & 4) ? s_.ldtr.base : s_.gdtr.base;
    return write_linear(base + (selector & ~7u), 8, low, true);
}

bool Interpreter::load_segment(Seg seg, u16 selector) {
    SegmentRegister& sr = s_.segment(seg);
    if (!(s_.cr0 & cr0::pe)) {
        // Real mode: only selector and base change; limit and rights stay (the "big real mode" of
        // firmware, SDM vol. 3 §21.1.1).
        sr.selector = selector;
        sr.base = u64(selector) << 4;
        if (seg == Seg::cs) mode_may_have_changed();
        return true;
    }
    if (s_.rflags & rflags::vm) {
        sr = SegmentRegister{selector, u64(selector) << 4, 0xffff,
                             seg_attr::real_mode_data | (3u << seg_attr::dpl_shift)};
        return true;
    }
    const unsigned cpl = s_.cpl();
    const unsigned rpl = selector & 3;
    const u32 err = selector & 0xfffc;
    if ((selector & ~3u) == 0) {
        if (seg == Seg::ss) {
            // 64-bit mode allows a null SS at CPL < 3 with RPL = CPL (SDM vol. 2 MOV, POP).
            if (!(code_mode_ == CodeMode::Bits64 && cpl < 3 && rpl == cpl)) return raise_gp(0);
            sr = SegmentRegister{selector, 0, 0,
                                 seg_attr::unusable | (cpl << seg_attr::dpl_shift) | seg_attr::db};
            return true;
        }
        sr.selector = selector;
        sr.attr = seg_attr::unusable;
        if (seg != Seg::fs && seg != Seg::gs) sr.base = 0;
        return true;
    }
    u64 low;
    if (!read_descriptor(selector, low, nullptr, err)) return false;
    const u32 attr = desc_attr(low);
    const unsigned dpl = (attr & seg_attr::dpl_mask) >> seg_attr::dpl_shift;
    const bool code = attr & seg_attr::type_code;
    if (!(attr & seg_attr::s)) return raise_gp(err);
    if (seg == Seg::ss) {
        if (rpl != cpl || code || !(attr & seg_attr::type_rw) || dpl != cpl) return raise_gp(err);
        if (!(attr & seg_attr::p)) return raise(Exception::with_code(Vector::ss, err));
    } else {
        if (code && !(attr & seg_attr::type_rw)) return raise_gp(err);
        const bool conforming_code = code && (attr & seg_attr::type_dc);
        if (!conforming_code && (rpl > dpl || cpl > dpl)) return raise_gp(err);
        if (!(attr & seg_attr::p)) return raise(Exception::with_code(Vector::np, err));
    }
    if (!(low & (1ull << 40))) {
        low |= 1ull << 40; // accessed
        if (!write_descriptor_low(selector, low)) return false;
    }
    sr = cache_from_descriptor(selector, low, 0);
    return true;
}

bool Interpreter::code_segment_for_transfer(u16 selector, u64 offset, unsigned operand_size, bool is_return,
                                            SegmentRegister& out) {
    const unsigned cpl = s_.cpl();
    const unsigned rpl = selector & 3;
    const u32 err = selector & 0xfffc;
    if ((selector & ~3u) == 0) return raise_gp(0);
    u64 low;
    if (!read_descriptor(selector, low, nullptr, err)) return false;
    const u32 attr = desc_attr(low);
    const unsigned dpl = (attr & seg_attr::dpl_mask) >> seg_attr::dpl_shift;
    if (!(attr & seg_attr::s) || !(attr & seg_attr::type_code)) return raise_gp(err);
    const bool conforming = attr & seg_attr::type_dc;
    unsigned new_cpl = cpl;
    if (is_return) {
        if (rpl < cpl) return raise_gp(err);
        if (conforming ? dpl > rpl : dpl != rpl) return raise_gp(err);
        new_cpl = rpl;
    } else {
        if (conforming ? dpl > cpl : (rpl > cpl || dpl != cpl)) return raise_gp(err);
    }
    if (!(attr & seg_attr::p)) return raise(Exception::with_code(Vector::np, err));
    const bool lma = s_.efer & efer::lma;
    if (lma && (attr & seg_attr::l) && (attr & seg_attr::db)) return raise_gp(err);
    out = cache_from_descriptor(u16((selector & ~3u) | new_cpl), low, 0);
    if (lma && (attr & seg_attr::l)) {
        if (u64(i64(offset << 16) >> 16) != offset) return raise_gp(0);
    } else if ((offset & mask(operand_size)) > out.limit) {
        return raise_gp(0);
    }
    if (!(low & (1ull << 40)) && !write_descriptor_low(selector, low | (1ull << 40))) return false;
    out.attr |= seg_attr::type_accessed;
    return true;
}

void Interpreter::commit_code_segment(const SegmentRegister& cs, u64 rip) {
    s_.segment(Seg::cs) = cs;
    s_.rip = rip;
    mode_may_have_changed();
}

bool Interpreter::stack_segment_for(u16 selector, unsigned cpl, SegmentRegister& out,
                                    bool long_mode_null_ok) {
    const u32 err = selector & 0xfffc;
    if ((selector & ~3u) == 0) {
        if (!long_mode_null_ok) return raise_gp(0);
        out =
            SegmentRegister{selector, 0, 0, seg_attr::unusable | (cpl << seg_attr::dpl_shift) | seg_attr::db};
        return true;
    }
    u64 low;
    if (!read_descriptor(selector, low, nullptr, err)) return false;
    const u32 attr = desc_attr(low);
    const unsigned dpl = (attr & seg_attr::dpl_mask) >> seg_attr::dpl_shift;
    if ((selector & 3) != cpl || !(attr & seg_attr::s) || (attr & seg_attr::type_code) ||
        !(attr & seg_attr::type_rw) || dpl != cpl)
        return raise_gp(err);
    if (!(attr & seg_attr::p)) return raise(Exception::with_code(Vector::ss, err));
    if (!(low & (1ull << 40)) && !write_descriptor_low(selector, low | (1ull << 40))) return false;
    out = cache_from_descriptor(selector, low | (1ull << 40), 0);
    return true;
}

bool Interpreter::check_io(u16 port, unsigned size) {
    // Real mode, or CPL <= IOPL outside V86: every port is accessible (SDM vol. 1 §18.5.1).
    if (!(s_.cr0 & cr0::pe)) return true;
    const bool v86 = s_.rflags & rflags::vm;
    if (!v86 && s_.cpl() <= s_.iopl()) return true;
    // The I/O permission bitmap of the TSS (§18.5.2): one bit per port, all bits of the access clear.
    const SegmentRegister& tr = s_.tr;
    const unsigned type = tr.attr & seg_attr::type_mask;
    if (tr.unusable() || (type != 9 && type != 11) || tr.limit < 0x67) return raise_gp(0);
    u64 io_base;
    if (!read_linear(tr.base + 0x66, 2, io_base, AccessType::read, true)) return false;
    const u64 byte = io_base + port / 8;
    if (byte + 1 > tr.limit) return raise_gp(0);
    u64 bits;
    if (!read_linear(tr.base + byte, 2, bits, AccessType::read, true)) return false;
    const u64 want = ((1u << size) - 1) << (port & 7);
    if (bits & want) return raise_gp(0);
    return true;
}

} // namespace realvm::vcpu
