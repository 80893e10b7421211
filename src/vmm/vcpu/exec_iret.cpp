// IRET in real mode, V86, protected mode (same and outer privilege, return to V86) and long mode
// (SDM vol. 2 IRET/IRETD/IRETQ pseudocode; vol. 3 §6.12.1, §6.14.3).
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

namespace {

// EFLAGS bits a 32-bit IRET restores in real mode: all but VM, VIF, VIP (SDM IRET: AND 257FD5H).
constexpr u64 real_mode_iret_mask = 0x257fd5;

} // namespace

bool iret(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    const unsigned size = i.operand_size;
    const bool v86 = s.rflags & rflags::vm;
    u64 ip, cs_sel, fl;

    if (!(s.cr0 & cr0::pe) || v86) {
        if (v86 && s.iopl() < 3) return cpu.raise_gp(0);
        if (!cpu.stack_read(0, size, ip) || !cpu.stack_read(size, size, cs_sel) ||
            !cpu.stack_read(2 * size, size, fl))
            return false;
        ip &= Interpreter::mask(size);
        SegmentRegister cs = s.segment(Seg::cs);
        if (ip > cs.limit) return cpu.raise_gp(0);
        const u64 m = Interpreter::mask(cpu.stack_address_size());
        u64& rsp = s.reg(Gpr::rsp);
        rsp = (rsp & ~m) | ((rsp + 3 * size) & m);
        u64 changeable = size == 2 ? 0xffff : real_mode_iret_mask;
        changeable &= rflags::writable;
        if (v86) changeable &= ~rflags::iopl;
        cpu.write_flags(fl, changeable);
        cs.selector = u16(cs_sel);
        cs.base = (cs_sel & 0xffff) << 4;
        cpu.commit_code_segment(cs, ip);
        s.nmi_blocked = false;
        return true;
    }

    const bool long_mode = s.efer & efer::lma;
    if ((s.rflags & rflags::nt) && !long_mode) return cpu.raise_unsupported(); // task return
    if ((s.rflags & rflags::nt) && long_mode) return cpu.raise_gp(0);
    const unsigned cpl = s.cpl();
    if (!cpu.stack_read(0, size, ip) || !cpu.stack_read(size, size, cs_sel) ||
        !cpu.stack_read(2 * size, size, fl))
        return false;
    if (size == 2)
        fl = (s.rflags & ~0xffffull) | (fl & 0xffff);
    else if (size == 4)
        fl = (s.rflags & ~0xffffffffull) | (fl & 0xffffffff);

    // Return to virtual-8086 mode (from CPL 0, legacy protected mode only).
    if ((fl & rflags::vm) && cpl == 0 && !long_mode && size == 4) {
        u64 sp, ss, es, ds, fs, gs;
        if (!cpu.stack_read(12, 4, sp) || !cpu.stack_read(16, 4, ss) || !cpu.stack_read(20, 4, es) ||
            !cpu.stack_read(24, 4, ds) || !cpu.stack_read(28, 4, fs) || !cpu.stack_read(32, 4, gs))
            return false;
        s.rflags = (fl & rflags::writable) | rflags::fixed1;
        auto v86seg = [](u64 sel) {
            return SegmentRegister{u16(sel), (sel & 0xffff) << 4, 0xffff,
                                   seg_attr::real_mode_data | (3u << seg_attr::dpl_shift)};
        };
        s.segment(Seg::es) = v86seg(es);
        s.segment(Seg::ds) = v86seg(ds);
        s.segment(Seg::fs) = v86seg(fs);
        s.segment(Seg::gs) = v86seg(gs);
        s.segment(Seg::ss) = v86seg(ss);
        s.reg(Gpr::rsp) = sp & 0xffffffff;
        SegmentRegister cs = v86seg(cs_sel);
        cs.attr |= seg_attr::type_code;
        cpu.commit_code_segment(cs, ip & 0xffff);
        s.nmi_blocked = false;
        return true;
    }

    SegmentRegister cs;
    if (!cpu.code_segment_for_transfer(u16(cs_sel), ip, size, true, cs)) return false;
    const unsigned new_cpl = cs_sel & 3;
    const bool to64 = long_mode && cs.long_mode();
    // Flags the return may change (SDM IRET): IOPL only at CPL 0, IF only when CPL <= IOPL.
    u64 changeable = rflags::writable & ~(rflags::vm);
    if (cpl > 0) changeable &= ~(rflags::iopl | rflags::vif | rflags::vip);
    if (cpl > s.iopl()) changeable &= ~rflags::if_;
    changeable &= Interpreter::mask(size);

    // 64-bit mode always pops SS:RSP; legacy mode only for a return to an outer level.
    if (cpu.code_mode() == CodeMode::Bits64 || new_cpl > cpl) {
        u64 new_sp, new_ss;
        if (!cpu.stack_read(3 * size, size, new_sp) || !cpu.stack_read(4 * size, size, new_ss)) return false;
        SegmentRegister ss;
        const bool null_ok = to64 && new_cpl < 3;
        if (!cpu.stack_segment_for(u16(new_ss), new_cpl, ss, null_ok)) return false;
        cpu.write_flags(fl, changeable);
        cpu.commit_code_segment(cs, to64 ? ip : ip & Interpreter::mask(size));
        s.segment(Seg::ss) = ss;
        if (size == 8 || to64)
            s.reg(Gpr::rsp) = size == 8 ? new_sp : new_sp & 0xffffffff;
        else if (ss.big())
            s.reg(Gpr::rsp) = new_sp & 0xffffffff;
        else
            s.reg(Gpr::rsp) = (s.reg(Gpr::rsp) & ~0xffffull) | (new_sp & 0xffff);
        if (new_cpl > cpl) {
            for (Seg sg : data_segments) {
                SegmentRegister& d = s.segment(sg);
                const bool conforming_code = d.is_code() && (d.attr & seg_attr::type_dc);
                if (!d.unusable() && !conforming_code && d.dpl() < new_cpl) {
                    d.selector = 0;
                    d.attr = seg_attr::unusable;
                }
            }
        }
    } else {
        const u64 m = Interpreter::mask(cpu.stack_address_size());
        u64& rsp = s.reg(Gpr::rsp);
        rsp = (rsp & ~m) | ((rsp + 3 * size) & m);
        cpu.write_flags(fl, changeable);
        cpu.commit_code_segment(cs, ip & Interpreter::mask(size));
    }
    s.nmi_blocked = false;
    return true;
}

} // namespace realvm::vcpu::exec
