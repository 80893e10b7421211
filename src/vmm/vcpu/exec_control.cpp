// Control transfer: Jcc, JMP, CALL, RET near and far, LOOP/JCXZ, INT n/INT3/INTO/INT1, IRET, HLT
// (SDM vol. 2; far transfers in protected mode vol. 3 §5.8).
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

namespace {

bool relative_jump(Interpreter& cpu, const Instruction& i) {
    return cpu.jump_near(cpu.next_rip() + u64(i.immediate_signed()), i.operand_size);
}

bool real_mode_like(const CpuState& s) { return !(s.cr0 & cr0::pe) || (s.rflags & rflags::vm); }

} // namespace

bool jcc(Interpreter& cpu, const Instruction& i) {
    if (!condition(cpu.state().rflags, i.opcode & 0xf)) return true;
    return relative_jump(cpu, i);
}

bool jmp_near(Interpreter& cpu, const Instruction& i) { return relative_jump(cpu, i); }

bool near_call_to(Interpreter& cpu, const Instruction& i, u64 target) {
    const u64 ret = cpu.next_rip();
    if (!cpu.push(ret, i.operand_size)) return false;
    return cpu.jump_near(target, i.operand_size);
}

bool call_near(Interpreter& cpu, const Instruction& i) {
    return near_call_to(cpu, i, cpu.next_rip() + u64(i.immediate_signed()));
}

bool ret_near(Interpreter& cpu, const Instruction& i) {
    u64 target;
    if (!cpu.pop(i.operand_size, target)) return false;
    if (!cpu.jump_near(target, i.operand_size)) return false;
    if (i.opcode == 0xc2) {
        const u64 m = Interpreter::mask(cpu.stack_address_size());
        u64& rsp = cpu.state().reg(Gpr::rsp);
        rsp = (rsp & ~m) | ((rsp + (i.immediate & 0xffff)) & m);
    }
    return true;
}

bool far_transfer(Interpreter& cpu, const Instruction& i, u16 selector, u64 offset, bool call) {
    CpuState& s = cpu.state();
    const unsigned size = i.operand_size;
    offset &= Interpreter::mask(size);
    SegmentRegister cs;
    if (real_mode_like(s)) {
        cs = s.segment(Seg::cs);
        cs.selector = selector;
        cs.base = u64(selector) << 4;
        if (offset > cs.limit) return cpu.raise_gp(0);
    } else {
        // A system descriptor: a call gate (exec_call_gate.cpp), or a task switch (unsupported).
        u64 low;
        if ((selector & ~3u) && !cpu.read_descriptor(selector, low, nullptr, selector & 0xfffc)) return false;
        if ((selector & ~3u) && !(low & (1ull << 44))) return gate_transfer(cpu, selector, low, call);
        if (!cpu.code_segment_for_transfer(selector, offset, size, false, cs)) return false;
    }
    if (call) {
        const SegmentRegister& old = s.segment(Seg::cs);
        if (!cpu.push(old.selector, size) || !cpu.push(cpu.next_rip(), size)) return false;
    }
    cpu.commit_code_segment(cs, offset);
    return true;
}

bool jmp_far(Interpreter& cpu, const Instruction& i) {
    return far_transfer(cpu, i, i.immediate2, i.immediate, false);
}

bool call_far(Interpreter& cpu, const Instruction& i) {
    return far_transfer(cpu, i, i.immediate2, i.immediate, true);
}

bool ret_far(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    const unsigned size = i.operand_size;
    const u64 imm = i.opcode == 0xca ? (i.immediate & 0xffff) : 0;
    const u64 m = Interpreter::mask(cpu.stack_address_size());
    u64 offset, selector;
    if (!cpu.stack_read(0, size, offset) || !cpu.stack_read(size, size, selector)) return false;
    offset &= Interpreter::mask(size);
    u64& rsp = s.reg(Gpr::rsp);
    if (real_mode_like(s)) {
        SegmentRegister cs = s.segment(Seg::cs);
        cs.selector = u16(selector);
        cs.base = (selector & 0xffff) << 4;
        if (offset > cs.limit) return cpu.raise_gp(0);
        rsp = (rsp & ~m) | ((rsp + 2 * size + imm) & m);
        cpu.commit_code_segment(cs, offset);
        return true;
    }
    SegmentRegister cs;
    if (!cpu.code_segment_for_transfer(u16(selector), offset, size, true, cs)) return false;
    const unsigned new_cpl = selector & 3;
    if (new_cpl == s.cpl()) {
        rsp = (rsp & ~m) | ((rsp + 2 * size + imm) & m);
        cpu.commit_code_segment(cs, offset);
        return true;
    }
    // Return to an outer privilege level: the caller's SS:rSP follow the parameters (SDM vol. 2 RET).
    u64 new_sp, new_ss;
    if (!cpu.stack_read(2 * size + imm, size, new_sp) || !cpu.stack_read(3 * size + imm, size, new_ss))
        return false;
    SegmentRegister ss;
    const bool to64 = (s.efer & efer::lma) && cs.long_mode();
    if (!cpu.stack_segment_for(u16(new_ss), new_cpl, ss, to64 && new_cpl != 3)) return false;
    cpu.commit_code_segment(cs, offset);
    s.segment(Seg::ss) = ss;
    const u64 nm = to64 ? ~0ull : ss.big() ? 0xffffffffull : 0xffff;
    rsp = (size == 8 ? new_sp : (rsp & ~nm) | (new_sp & nm)) + imm;
    if (!to64) rsp &= ss.big() ? 0xffffffffull : ~0ull;
    // Data segments the outer level may not use become null (SDM vol. 2 RET, "RETURN-TO-OUTER").
    for (Seg sg : data_segments) {
        SegmentRegister& d = s.segment(sg);
        const bool conforming_code = d.is_code() && (d.attr & seg_attr::type_dc);
        if (!d.unusable() && !conforming_code && d.dpl() < new_cpl) {
            d.selector = 0;
            d.attr = seg_attr::unusable;
        }
    }
    return true;
}

bool loop(Interpreter& cpu, const Instruction& i) {
    const unsigned as = i.address_size;
    u64 count = cpu.gpr(Gpr::rcx, as);
    bool take;
    if (i.opcode == 0xe3) {
        take = count == 0;
    } else {
        count = (count - 1) & Interpreter::mask(as);
        const bool zf = cpu.state().rflags & rflags::zf;
        take = count != 0 && (i.opcode == 0xe2 || (i.opcode == 0xe1 ? zf : !zf));
    }
    if (take && !relative_jump(cpu, i)) return false;
    if (i.opcode != 0xe3) cpu.set_gpr(Gpr::rcx, as, count);
    return true;
}

// INT n, INT3, INTO and INT1 complete and are reported to the caller as events to deliver
// (deliver_event in interrupt.hpp), with RIP after the instruction, as the CPU pushes it.
bool int_n(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    switch (i.opcode) {
    case 0xcc: return cpu.raise_trap(Exception::software(3, EventKind::int3));
    case 0xce:
        if (!(s.rflags & rflags::of)) return true;
        return cpu.raise_trap(Exception::software(4, EventKind::into));
    case 0xf1: return cpu.raise_trap(Exception::software(1, EventKind::icebp));
    default:
        // V86 without VME: INT n with IOPL < 3 faults to the monitor (SDM vol. 3 §20.3.3, table 20-2).
        if ((s.rflags & rflags::vm) && s.iopl() < 3) return cpu.raise_gp(0);
        return cpu.raise_trap(Exception::software(u8(i.immediate), EventKind::software_int));
    }
}

bool hlt(Interpreter& cpu, const Instruction&) {
    if (cpu.state().cpl() != 0) return cpu.raise_gp(0);
    cpu.set_halted();
    return true;
}

} // namespace realvm::vcpu::exec
