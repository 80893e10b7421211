// Data movement: MOV forms, extensions, LEA, XCHG, the stack (PUSH/POP in all forms, PUSHA/POPA,
// ENTER/LEAVE), LAHF/SAHF, XLAT, CMOVcc/SETcc, far-pointer loads, BOUND, and the x87 control subset.
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

namespace {

// The register of a "+r" opcode (50+r, B8+r, 90+r, 0F C8+r), with REX.B.
unsigned opcode_reg(const Instruction& i) { return (i.opcode & 7) | ((i.rex & 1) << 3); }

} // namespace

bool mov_rm_reg(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    auto rm = cpu.rm_operand(i);
    if (i.opcode & 2) {
        u64 v;
        if (!cpu.read_operand(i, rm, size, v)) return false;
        cpu.set_reg(i.modrm_reg, size, v, i.has_rex());
        return true;
    }
    return cpu.write_operand(i, rm, size, cpu.reg(i.modrm_reg, size, i.has_rex()));
}

bool mov_reg_imm(Interpreter& cpu, const Instruction& i) {
    cpu.set_reg(opcode_reg(i), i.operand_size, i.immediate, i.has_rex());
    return true;
}

bool mov_rm_imm(Interpreter& cpu, const Instruction& i) {
    if (i.group_index() != 0) return cpu.raise_ud();
    return cpu.write_operand(i, cpu.rm_operand(i), i.operand_size, u64(i.immediate_signed()));
}

bool mov_moffs(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const Seg seg = i.segment == Segment::None ? Seg::ds : static_cast<Seg>(i.segment);
    const u64 offset = u64(i.displacement) & Interpreter::mask(i.address_size);
    if (i.opcode & 2) return cpu.write(seg, offset, size, cpu.gpr(Gpr::rax, size));
    u64 v;
    if (!cpu.read(seg, offset, size, v)) return false;
    cpu.set_gpr(Gpr::rax, size, v);
    return true;
}

bool mov_sreg(Interpreter& cpu, const Instruction& i) {
    const unsigned sreg = i.modrm_reg & 7;
    if (sreg >= seg_count) return cpu.raise_ud();
    auto rm = cpu.rm_operand(i);
    if (i.opcode == 0x8c) {
        const u16 sel = cpu.state().seg[sreg].selector;
        // A register destination gets the selector zero-extended; memory is always written as a word.
        if (rm.is_reg) {
            cpu.set_reg(rm.reg, i.operand_size, sel, true);
            return true;
        }
        return cpu.write(rm.seg, rm.offset, 2, sel);
    }
    if (sreg == static_cast<unsigned>(Seg::cs)) return cpu.raise_ud();
    u64 sel;
    if (!cpu.read_operand(i, rm, 2, sel)) return false;
    if (!cpu.load_segment(static_cast<Seg>(sreg), u16(sel))) return false;
    // MOV SS inhibits interrupts (and debug traps) until after the next instruction (SDM vol. 3 §6.8.3).
    if (sreg == static_cast<unsigned>(Seg::ss)) cpu.state().interrupt_shadow = true;
    return true;
}

bool movzx_movsx(Interpreter& cpu, const Instruction& i) {
    const unsigned src_size = (i.opcode & 1) ? 2 : 1;
    u64 v;
    if (!cpu.read_operand(i, cpu.rm_operand(i), src_size, v)) return false;
    if (i.opcode >= 0xbe) v = alu::sign_extend(v, src_size);
    cpu.set_reg(i.modrm_reg, i.operand_size, v, i.has_rex());
    return true;
}

bool movsxd(Interpreter& cpu, const Instruction& i) {
    const unsigned src_size = i.operand_size == 8 ? 4 : i.operand_size;
    u64 v;
    if (!cpu.read_operand(i, cpu.rm_operand(i), src_size, v)) return false;
    cpu.set_reg(i.modrm_reg, i.operand_size, alu::sign_extend(v, src_size), i.has_rex());
    return true;
}

bool lea(Interpreter& cpu, const Instruction& i) {
    if (i.modrm_mod == 3) return cpu.raise_ud();
    cpu.set_reg(i.modrm_reg, i.operand_size, cpu.effective_address(i), i.has_rex());
    return true;
}

bool xchg(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    if (i.opcode >= 0x90) {
        const unsigned r = opcode_reg(i);
        if (r == 0) return true; // 90: NOP, even in 64-bit mode with a 32-bit operand size
        u64 a = cpu.gpr(Gpr::rax, size), b = cpu.reg(r, size, true);
        cpu.set_gpr(Gpr::rax, size, b);
        cpu.set_reg(r, size, a, true);
        return true;
    }
    auto rm = cpu.rm_operand(i);
    u64 m;
    if (!cpu.read_operand(i, rm, size, m)) return false;
    u64 r = cpu.reg(i.modrm_reg, size, i.has_rex());
    if (!cpu.write_operand(i, rm, size, r)) return false;
    cpu.set_reg(i.modrm_reg, size, m, i.has_rex());
    return true;
}

bool push_reg(Interpreter& cpu, const Instruction& i) {
    // PUSH SP pushes the value before the push (80286 and later).
    return cpu.push(cpu.reg(opcode_reg(i), i.operand_size, true), i.operand_size);
}

bool pop_reg(Interpreter& cpu, const Instruction& i) {
    u64 v;
    if (!cpu.pop(i.operand_size, v)) return false;
    cpu.set_reg(opcode_reg(i), i.operand_size, v, true);
    return true;
}

bool push_imm(Interpreter& cpu, const Instruction& i) {
    return cpu.push(u64(i.immediate_signed()), i.operand_size);
}

bool pop_rm(Interpreter& cpu, const Instruction& i) {
    if (i.group_index() != 0) return cpu.raise_ud();
    u64 v;
    if (!cpu.pop(i.operand_size, v)) return false;
    // The destination's address is computed after RSP was incremented (SDM vol. 2 POP).
    return cpu.write_operand(i, cpu.rm_operand(i), i.operand_size, v);
}

namespace {

Seg sreg_of_push_pop(const Instruction& i) {
    if (i.map == OpcodeMap::Map0F) return i.opcode < 0xa8 ? Seg::fs : Seg::gs;
    return static_cast<Seg>(i.opcode >> 3);
}

} // namespace

bool push_sreg(Interpreter& cpu, const Instruction& i) {
    const u16 sel = cpu.state().segment(sreg_of_push_pop(i)).selector;
    const unsigned size = i.operand_size;
    if (size == 2) return cpu.push(sel, 2);
    // Wider pushes move RSP by the operand size but write only the selector word, as current Intel
    // cores do (SDM vol. 2 PUSH).
    const unsigned as = cpu.stack_address_size();
    const u64 m = Interpreter::mask(as);
    u64& rsp = cpu.state().reg(Gpr::rsp);
    const u64 sp = (rsp - size) & m;
    if (!cpu.check_write(Seg::ss, sp, size) || !cpu.write(Seg::ss, sp, 2, sel)) return false;
    rsp = (rsp & ~m) | sp;
    return true;
}

bool pop_sreg(Interpreter& cpu, const Instruction& i) {
    const Seg seg = sreg_of_push_pop(i);
    u64 v;
    if (!cpu.stack_read(0, i.operand_size, v)) return false;
    if (!cpu.load_segment(seg, u16(v))) return false;
    const u64 m = Interpreter::mask(cpu.stack_address_size());
    u64& rsp = cpu.state().reg(Gpr::rsp);
    rsp = (rsp & ~m) | ((rsp + i.operand_size) & m);
    if (seg == Seg::ss) cpu.state().interrupt_shadow = true;
    return true;
}

bool pusha(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const u64 old_sp = cpu.gpr(Gpr::rsp, size);
    for (unsigned r = 0; r < 8; r++) {
        u64 v = r == 4 ? old_sp : cpu.reg(r, size, true);
        if (!cpu.push(v, size)) return false;
    }
    return true;
}

bool popa(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    u64 v[8];
    for (int r = 7; r >= 0; r--)
        if (!cpu.pop(size, v[r])) return false;
    for (unsigned r = 0; r < 8; r++)
        if (r != 4) cpu.set_reg(r, size, v[r], true);
    return true;
}

bool enter(Interpreter& cpu, const Instruction& i) {
    const unsigned size = i.operand_size;
    const unsigned as = cpu.stack_address_size();
    const unsigned level = i.immediate2 & 31;
    const u64 alloc = i.immediate & 0xffff;
    if (!cpu.push(cpu.gpr(Gpr::rbp, size), size)) return false;
    const u64 frame = cpu.gpr(Gpr::rsp, as);
    if (level > 0) {
        u64 bp = cpu.gpr(Gpr::rbp, as);
        for (unsigned n = 1; n < level; n++) {
            bp = (bp - size) & Interpreter::mask(as);
            u64 v;
            if (!cpu.read(Seg::ss, bp, size, v) || !cpu.push(v, size)) return false;
        }
        if (!cpu.push(frame, size)) return false;
    }
    const u64 m = Interpreter::mask(as);
    u64& rsp = cpu.state().reg(Gpr::rsp);
    const u64 new_sp = (rsp - alloc) & m;
    // The final stack must be writable (the CPU checks the new stack top, SDM vol. 2 ENTER).
    if (alloc && !cpu.check_write(Seg::ss, new_sp, 1)) return false;
    cpu.set_gpr(Gpr::rbp, size, frame);
    rsp = (rsp & ~m) | new_sp;
    return true;
}

bool leave(Interpreter& cpu, const Instruction& i) {
    const unsigned as = cpu.stack_address_size();
    const u64 m = Interpreter::mask(as);
    const u64 bp = cpu.gpr(Gpr::rbp, as);
    u64 v;
    if (!cpu.read(Seg::ss, bp, i.operand_size, v)) return false;
    u64& rsp = cpu.state().reg(Gpr::rsp);
    rsp = (rsp & ~m) | ((bp + i.operand_size) & m);
    cpu.set_gpr(Gpr::rbp, i.operand_size, v);
    return true;
}

bool lahf_sahf(Interpreter& cpu, const Instruction& i) {
    u64& rf = cpu.state().rflags;
    constexpr u64 low = rflags::sf | rflags::zf | rflags::af | rflags::pf | rflags::cf;
    if (i.opcode == 0x9f)
        cpu.set_reg(4, 1, (rf & low) | rflags::fixed1, false);
    else
        rf = (rf & ~low) | (cpu.reg(4, 1, false) & low);
    return true;
}

bool xlat(Interpreter& cpu, const Instruction& i) {
    const Seg seg = i.segment == Segment::None ? Seg::ds : static_cast<Seg>(i.segment);
    const u64 addr =
        (cpu.gpr(Gpr::rbx, i.address_size) + cpu.gpr(Gpr::rax, 1)) & Interpreter::mask(i.address_size);
    u64 v;
    if (!cpu.read(seg, addr, 1, v)) return false;
    cpu.set_gpr(Gpr::rax, 1, v);
    return true;
}

bool cmov(Interpreter& cpu, const Instruction& i) {
    u64 v;
    if (!cpu.read_operand(i, cpu.rm_operand(i), i.operand_size, v)) return false;
    // The source is read whatever the condition; a 32-bit destination is zero-extended either way.
    if (!condition(cpu.state().rflags, i.opcode & 0xf)) v = cpu.reg(i.modrm_reg, i.operand_size, true);
    cpu.set_reg(i.modrm_reg, i.operand_size, v, i.has_rex());
    return true;
}

bool setcc(Interpreter& cpu, const Instruction& i) {
    return cpu.write_operand(i, cpu.rm_operand(i), 1, condition(cpu.state().rflags, i.opcode & 0xf));
}

bool load_far_pointer(Interpreter& cpu, const Instruction& i) {
    auto rm = cpu.rm_operand(i);
    if (rm.is_reg) return cpu.raise_ud();
    Seg seg;
    switch (i.opcode) {
    case 0xc4: seg = Seg::es; break;
    case 0xc5: seg = Seg::ds; break;
    case 0xb2: seg = Seg::ss; break;
    case 0xb4: seg = Seg::fs; break;
    default: seg = Seg::gs; break;
    }
    const unsigned size = i.operand_size;
    u64 offset, sel;
    if (!cpu.read(rm.seg, rm.offset, size, offset)) return false;
    if (!cpu.read(rm.seg, (rm.offset + size) & Interpreter::mask(i.address_size), 2, sel)) return false;
    if (!cpu.load_segment(seg, u16(sel))) return false;
    cpu.set_reg(i.modrm_reg, size, offset, i.has_rex());
    return true;
}

bool bound(Interpreter& cpu, const Instruction& i) {
    auto rm = cpu.rm_operand(i);
    if (rm.is_reg) return cpu.raise_ud();
    const unsigned size = i.operand_size;
    u64 lo, hi;
    if (!cpu.read(rm.seg, rm.offset, size, lo)) return false;
    if (!cpu.read(rm.seg, (rm.offset + size) & Interpreter::mask(i.address_size), size, hi)) return false;
    const i64 index = i64(alu::sign_extend(cpu.reg(i.modrm_reg, size, true), size));
    if (index < i64(alu::sign_extend(lo, size)) || index > i64(alu::sign_extend(hi, size)))
        return cpu.raise(Exception::make(Vector::br));
    return true;
}

bool nop(Interpreter&, const Instruction&) { return true; }

bool arpl(Interpreter& cpu, const Instruction& i) {
    if (!cpu.state().protected_mode() || (cpu.state().rflags & rflags::vm)) return cpu.raise_ud();
    auto rm = cpu.rm_operand(i);
    u64 dest;
    if (!cpu.read_operand(i, rm, 2, dest)) return false;
    const u64 src_rpl = cpu.reg(i.modrm_reg, 2, true) & 3;
    u64& rf = cpu.state().rflags;
    if ((dest & 3) < src_rpl) {
        if (!cpu.write_operand(i, rm, 2, (dest & ~3ull) | src_rpl)) return false;
        rf |= rflags::zf;
    } else {
        rf &= ~rflags::zf;
    }
    return true;
}

// x87: RealVM keeps no x87 register stack. Boot code probes for an FPU with FNINIT and FNSTSW/FNSTCW
// and sets the control word; those are emulated on a minimal control state. Any other x87 instruction
// is reported as unsupported (after #NM for CR0.EM/TS, SDM vol. 3 §2.5, table 2-2).
bool x87_escape(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (s.cr0 & (cr0::em | cr0::ts)) return cpu.raise(Exception::make(Vector::nm));
    const unsigned op = i.opcode;
    const unsigned reg = i.modrm_reg & 7;
    auto rm = cpu.rm_operand(i);
    if (op == 0xdb && i.modrm == 0xe3) { // FNINIT
        s.x87.fcw = 0x37f;
        s.x87.fsw = 0;
        s.x87.ftw = 0xffff;
        return true;
    }
    if (op == 0xdb && i.modrm == 0xe2) { // FNCLEX
        s.x87.fsw &= 0x7f00;
        return true;
    }
    if (op == 0xdf && i.modrm == 0xe0) { // FNSTSW AX
        cpu.set_gpr(Gpr::rax, 2, s.x87.fsw);
        return true;
    }
    if (!rm.is_reg && op == 0xdd && reg == 7) return cpu.write(rm.seg, rm.offset, 2, s.x87.fsw); // FNSTSW m16
    if (!rm.is_reg && op == 0xd9 && reg == 7) return cpu.write(rm.seg, rm.offset, 2, s.x87.fcw); // FNSTCW m16
    if (!rm.is_reg && op == 0xd9 && reg == 5) {                                                  // FLDCW m16
        u64 v;
        if (!cpu.read(rm.seg, rm.offset, 2, v)) return false;
        s.x87.fcw = u16(v);
        return true;
    }
    return cpu.raise_unsupported();
}

} // namespace realvm::vcpu::exec
