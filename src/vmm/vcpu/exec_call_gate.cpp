// Far JMP/CALL through a call gate (SDM vol. 3 §5.8.3-5.8.5; 64-bit call gates §5.8.3.1), with the
// stack switch of a CALL to an inner privilege level and the copy of the gate's parameters.
// Task gates and TSS targets (task switches) are reported as unsupported.
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

bool gate_transfer(Interpreter& cpu, u16 selector, u64 low, bool call) {
    CpuState& s = cpu.state();
    const bool long_mode = s.efer & efer::lma;
    const unsigned type = (low >> 40) & 0xf;
    const u32 sel_err = selector & 0xfffc;
    if (type == 5 || type == 1 || type == 3 || type == 9 || type == 11) return cpu.raise_unsupported();
    if (!(type == 12 || (type == 4 && !long_mode))) return cpu.raise_gp(sel_err);
    const unsigned cpl = s.cpl();
    const unsigned gate_dpl = (low >> 45) & 3;
    if (gate_dpl < cpl || gate_dpl < (selector & 3u)) return cpu.raise_gp(sel_err);
    if (!(low & (1ull << 47))) return cpu.raise(Exception::with_code(Vector::np, sel_err));
    u64 offset = (low & 0xffff) | ((low >> 32) & 0xffff0000ull);
    if (long_mode) {
        u64 high;
        u64 ignored;
        if (!cpu.read_descriptor(selector, ignored, &high, sel_err)) return false;
        if ((high >> 40) & 0x1f) return cpu.raise_gp(sel_err); // the upper type field must be 0
        offset |= (high & 0xffffffffull) << 32;
    } else if (type == 4) {
        offset &= 0xffff;
    }
    const unsigned size = long_mode ? 8 : type == 12 ? 4 : 2;
    const unsigned params = long_mode ? 0 : unsigned(low >> 32) & 0x1f;

    // The target code segment.
    const u16 cs_sel = u16(low >> 16);
    const u32 cs_err = cs_sel & 0xfffc;
    if (cs_err == 0) return cpu.raise_gp(0);
    u64 cs_low;
    if (!cpu.read_descriptor(cs_sel, cs_low, nullptr, cs_err)) return false;
    SegmentRegister cs = Interpreter::cache_from_descriptor(cs_sel, cs_low, 0);
    if (!(cs.attr & seg_attr::s) || !cs.is_code() || cs.dpl() > cpl) return cpu.raise_gp(cs_err);
    if (long_mode && (!cs.long_mode() || cs.big())) return cpu.raise_gp(cs_err);
    if (!cs.present()) return cpu.raise(Exception::with_code(Vector::np, cs_err));
    const bool conforming = cs.attr & seg_attr::type_dc;
    const bool inner = call && !conforming && cs.dpl() < cpl;
    if (!call && !conforming && cs.dpl() != cpl) return cpu.raise_gp(cs_err);
    const unsigned new_cpl = inner ? cs.dpl() : cpl;
    cs.selector = u16(cs_err | new_cpl);
    if (long_mode) {
        if (u64(i64(offset << 16) >> 16) != offset) return cpu.raise_gp(0);
    } else if (offset > cs.limit) {
        return cpu.raise_gp(0);
    }
    if (!call) {
        cpu.commit_code_segment(cs, offset);
        return true;
    }

    const SegmentRegister old_cs = s.segment(Seg::cs), old_ss = s.segment(Seg::ss);
    const u64 old_rsp = s.reg(Gpr::rsp);
    const u64 ret = cpu.next_rip();
    auto fail = [&] {
        s.segment(Seg::ss) = old_ss;
        s.reg(Gpr::rsp) = old_rsp;
        return false;
    };
    if (inner) {
        SegmentRegister ss;
        u64 new_sp;
        if (long_mode) {
            // RSPn of the 64-bit TSS; SS becomes a null selector with RPL = new CPL (§5.8.5.1).
            const u64 off = 4 + u64(new_cpl) * 8;
            if (off + 7 > s.tr.limit)
                return cpu.raise(Exception::with_code(Vector::ts, s.tr.selector & 0xfffc));
            if (!cpu.read_linear(s.tr.base + off, 8, new_sp, AccessType::read, true)) return false;
            ss = SegmentRegister{u16(new_cpl), 0, 0,
                                 seg_attr::unusable | (new_cpl << seg_attr::dpl_shift) | seg_attr::db};
        } else if (!cpu.inner_stack_from_tss(new_cpl, 0, ss, new_sp)) {
            return false;
        }
        // Parameters are read from the caller's stack before the switch (they are copied in order).
        u64 param[32];
        for (unsigned k = 0; k < params; k++)
            if (!cpu.stack_read(u64(k) * size, size, param[k])) return false;
        s.segment(Seg::ss) = ss;
        s.reg(Gpr::rsp) = new_sp;
        if (!cpu.push(old_ss.selector, size) || !cpu.push(old_rsp, size)) return fail();
        for (unsigned k = params; k-- > 0;)
            if (!cpu.push(param[k], size)) return fail();
    }
    if (!cpu.push(old_cs.selector, size) || !cpu.push(ret, size)) return fail();
    cpu.commit_code_segment(cs, offset);
    return true;
}

} // namespace realvm::vcpu::exec
