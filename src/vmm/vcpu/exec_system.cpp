// Flag instructions, PUSHF/POPF, port I/O, descriptor-table and control/debug-register instructions,
// MSRs, CPUID, time, fast system calls, XCR0 (SDM vol. 2 for each; privilege rules vol. 3 §5.9).
#include "vmm/vcpu/exec.hpp"

namespace realvm::vcpu::exec {

namespace {

bool real_or_v86(const CpuState& s) { return !(s.cr0 & cr0::pe) || (s.rflags & rflags::vm); }
bool require_cpl0(Interpreter& cpu) { return cpu.state().cpl() == 0 || cpu.raise_gp(0); }
constexpr bool canonical(u64 a) { return u64(i64(a << 16) >> 16) == a; }

// A flat code or stack segment for SYSCALL/SYSENTER and their returns (SDM vol. 2 SYSCALL pseudocode).
SegmentRegister flat_segment(u16 selector, bool code, unsigned dpl, bool long64) {
    u32 attr = seg_attr::p | seg_attr::s | seg_attr::g | seg_attr::type_accessed | seg_attr::type_rw |
               (dpl << seg_attr::dpl_shift);
    if (code)
        attr |= seg_attr::type_code | (long64 ? seg_attr::l : seg_attr::db);
    else
        attr |= seg_attr::db;
    return SegmentRegister{selector, 0, 0xffffffff, attr};
}

} // namespace

bool flag_op(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    switch (i.opcode) {
    case 0xf5: s.rflags ^= rflags::cf; return true;
    case 0xf8: s.rflags &= ~rflags::cf; return true;
    case 0xf9: s.rflags |= rflags::cf; return true;
    case 0xfc: s.rflags &= ~rflags::df; return true;
    case 0xfd: s.rflags |= rflags::df; return true;
    default: break;
    }
    // CLI/STI: allowed when CPL <= IOPL (IOPL = 3 in V86); VME/PVI virtual-IF handling is not emulated.
    if ((s.cr0 & cr0::pe) && s.cpl() > s.iopl()) return cpu.raise_gp(0);
    if (i.opcode == 0xfa) {
        s.rflags &= ~rflags::if_;
    } else {
        // STI delays interrupts until after the next instruction when it sets IF (SDM vol. 2 STI).
        if (!(s.rflags & rflags::if_)) s.interrupt_shadow = true;
        s.rflags |= rflags::if_;
    }
    return true;
}

bool pushf(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if ((s.rflags & rflags::vm) && s.iopl() < 3) return cpu.raise_gp(0);
    // The image has VM and RF clear (SDM vol. 2 PUSHF).
    return cpu.push(s.rflags & ~(rflags::vm | rflags::rf), i.operand_size);
}

bool popf(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    const bool v86 = s.rflags & rflags::vm;
    if (v86 && s.iopl() < 3) return cpu.raise_gp(0);
    u64 v;
    if (!cpu.pop(i.operand_size, v)) return false;
    u64 changeable = rflags::writable & ~(rflags::vm | rflags::vip | rflags::vif | rflags::rf);
    if (s.cr0 & cr0::pe) {
        if (v86 || s.cpl() > 0) changeable &= ~rflags::iopl;
        if (!v86 && s.cpl() > s.iopl()) changeable &= ~rflags::if_;
    }
    changeable &= Interpreter::mask(i.operand_size);
    cpu.write_flags(v, changeable);
    s.rflags &= ~rflags::rf;
    return true;
}

bool in_out(Interpreter& cpu, const Instruction& i) {
    const bool byte = !(i.opcode & 1);
    const unsigned size = byte ? 1 : (i.operand_size == 8 ? 4 : i.operand_size);
    const bool dx = i.opcode >= 0xec;
    const bool out = i.opcode & 2;
    const u16 port = dx ? u16(cpu.state().reg(Gpr::rdx)) : u16(i.immediate & 0xff);
    if (!cpu.check_io(port, size)) return false;
    if (out)
        cpu.bus().out(Port(port), size, u32(cpu.gpr(Gpr::rax, size)));
    else
        cpu.set_gpr(Gpr::rax, size, cpu.bus().in(Port(port), size));
    return true;
}

bool group_0f00(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (real_or_v86(s)) return cpu.raise_ud();
    const unsigned op = i.group_index();
    auto rm = cpu.rm_operand(i);
    if (op <= 1) {
        // SLDT/STR: with CR4.UMIP only CPL 0 may execute them (SDM vol. 3 §2.5).
        if ((s.cr4 & cr4::umip) && s.cpl() > 0) return cpu.raise_gp(0);
        const u16 sel = op == 0 ? s.ldtr.selector : s.tr.selector;
        if (rm.is_reg) {
            cpu.set_reg(rm.reg, i.operand_size, sel, true);
            return true;
        }
        return cpu.write(rm.seg, rm.offset, 2, sel);
    }
    u64 v;
    if (!cpu.read_operand(i, rm, 2, v)) return false;
    const u16 sel = u16(v);
    const bool long_mode = s.efer & efer::lma;
    if (op == 2 || op == 3) {
        if (!require_cpl0(cpu)) return false;
        if ((sel & ~3u) == 0) {
            if (op == 3) return cpu.raise_gp(0);
            s.ldtr.selector = sel;
            s.ldtr.attr = seg_attr::unusable;
            return true;
        }
        if (sel & 4) return cpu.raise_gp(sel & 0xfffc); // must be in the GDT
        u64 low, high = 0;
        if (!cpu.read_descriptor(sel, low, long_mode ? &high : nullptr, sel & 0xfffc)) return false;
        const unsigned type = (low >> 40) & 0x1f; // with S
        const bool ok = op == 2 ? type == 2 : (type == 9 || (type == 1 && !long_mode));
        if (!ok) return cpu.raise_gp(sel & 0xfffc);
        if (!(low & (1ull << 47))) return cpu.raise(Exception::with_code(Vector::np, sel & 0xfffc));
        SegmentRegister r = Interpreter::cache_from_descriptor(sel, low, high);
        if (op == 2) {
            s.ldtr = r;
        } else {
            low |= 2ull << 40; // busy
            if (!cpu.write_descriptor_low(sel, low)) return false;
            r.attr |= 2;
            s.tr = r;
        }
        return true;
    }
    if (op == 4 || op == 5) {
        // VERR/VERW: ZF = the segment is readable/writable at the current CPL and RPL.
        bool ok = false;
        u64 low;
        if ((sel & ~3u) != 0) {
            const SegmentRegister& table =
                (sel & 4) ? s.ldtr : SegmentRegister{0, s.gdtr.base, s.gdtr.limit, 0};
            if (!((sel & 4) && s.ldtr.unusable()) && u64(sel & ~7u) + 7 <= table.limit) {
                if (!cpu.read_linear(table.base + (sel & ~7u), 8, low, AccessType::read, true)) return false;
                const u32 attr = u32((low >> 40) & 0xff);
                const unsigned dpl = (attr >> 5) & 3;
                const bool code = attr & seg_attr::type_code, conforming = code && (attr & seg_attr::type_dc);
                const bool priv = conforming || (dpl >= s.cpl() && dpl >= (sel & 3u));
                if ((attr & seg_attr::s) && priv)
                    ok = op == 4 ? (!code || (attr & seg_attr::type_rw))
                                 : (!code && (attr & seg_attr::type_rw));
            }
        }
        alu::set_flags(s.rflags, rflags::zf, ok ? rflags::zf : 0);
        return true;
    }
    return cpu.raise_ud();
}

bool lar_lsl(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (real_or_v86(s)) return cpu.raise_ud();
    u64 v;
    if (!cpu.read_operand(i, cpu.rm_operand(i), 2, v)) return false;
    const u16 sel = u16(v);
    bool ok = false;
    u64 low = 0;
    if ((sel & ~3u) != 0 && !((sel & 4) && s.ldtr.unusable())) {
        const u64 base = (sel & 4) ? s.ldtr.base : s.gdtr.base;
        const u64 limit = (sel & 4) ? s.ldtr.limit : s.gdtr.limit;
        if (u64(sel & ~7u) + 7 <= limit) {
            if (!cpu.read_linear(base + (sel & ~7u), 8, low, AccessType::read, true)) return false;
            const u32 attr = u32((low >> 40) & 0xff);
            const unsigned dpl = (attr >> 5) & 3, type = attr & 0xf;
            const bool conforming =
                (attr & seg_attr::s) && (attr & seg_attr::type_code) && (attr & seg_attr::type_dc);
            bool type_ok = attr & seg_attr::s;
            if (!type_ok) {
                // System types LAR/LSL accept (SDM vol. 2 LAR table 3-61, LSL table 3-63).
                const bool lar = i.opcode == 2;
                const bool lm = s.efer & efer::lma;
                type_ok = lm ? (type == 2 || type == 9 || type == 11 || (lar && type == 12))
                             : (type == 1 || type == 2 || type == 3 || type == 9 || type == 11 ||
                                (lar && (type == 4 || type == 5 || type == 12)));
            }
            ok = type_ok && (conforming || (dpl >= s.cpl() && dpl >= (sel & 3u)));
        }
    }
    if (ok) {
        if (i.opcode == 2) {
            cpu.set_reg(i.modrm_reg, i.operand_size, (low >> 32) & 0x00f0ff00, i.has_rex());
        } else {
            SegmentRegister r = Interpreter::cache_from_descriptor(sel, low, 0);
            cpu.set_reg(i.modrm_reg, i.operand_size, r.limit, i.has_rex());
        }
    }
    alu::set_flags(s.rflags, rflags::zf, ok ? rflags::zf : 0);
    return true;
}

bool group_0f01(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    const unsigned op = i.group_index();
    auto rm = cpu.rm_operand(i);
    if (rm.is_reg) {
        switch (i.modrm) {
        case 0xca: // CLAC
        case 0xcb: // STAC
            if (!(s.cr4 & cr4::smap) || (s.cr0 & cr0::pe && s.cpl() > 0)) return cpu.raise_ud();
            if (i.modrm == 0xca)
                s.rflags &= ~rflags::ac;
            else
                s.rflags |= rflags::ac;
            return true;
        case 0xd0: // XGETBV
            if (!(s.cr4 & cr4::osxsave)) return cpu.raise_ud();
            if (u32(s.reg(Gpr::rcx)) != 0) return cpu.raise_gp(0);
            cpu.set_gpr(Gpr::rax, 4, s.xcr0 & 0xffffffff);
            cpu.set_gpr(Gpr::rdx, 4, s.xcr0 >> 32);
            return true;
        case 0xd1: { // XSETBV
            if (!(s.cr4 & cr4::osxsave)) return cpu.raise_ud();
            if (!require_cpl0(cpu)) return false;
            const u64 v = (cpu.gpr(Gpr::rdx, 4) << 32) | cpu.gpr(Gpr::rax, 4);
            // x87 must stay enabled; AVX needs SSE (SDM vol. 1 §13.3).
            if (u32(s.reg(Gpr::rcx)) != 0 || !(v & 1) || ((v & 4) && !(v & 2)) || (v & ~0x7ull))
                return cpu.raise_gp(0);
            s.xcr0 = v;
            return true;
        }
        case 0xf8: // SWAPGS
            if (i.mode != CodeMode::Bits64) return cpu.raise_ud();
            if (!require_cpl0(cpu)) return false;
            {
                u64 t = s.segment(Seg::gs).base;
                s.segment(Seg::gs).base = s.msr.kernel_gs_base;
                s.msr.kernel_gs_base = t;
            }
            return true;
        case 0xf9: // RDTSCP
            if ((s.cr4 & cr4::tsd) && s.cpl() > 0) return cpu.raise_gp(0);
            {
                const u64 t = cpu.bus().tsc();
                cpu.set_gpr(Gpr::rax, 4, t & 0xffffffff);
                cpu.set_gpr(Gpr::rdx, 4, t >> 32);
                cpu.set_gpr(Gpr::rcx, 4, s.msr.tsc_aux & 0xffffffff);
            }
            return true;
        default: break;
        }
        if (op != 4 && op != 6) return cpu.raise_unsupported(); // VMX/SVM/MONITOR/MWAIT ...
    }
    switch (op) {
    case 0:   // SGDT
    case 1: { // SIDT
        if ((s.cr4 & cr4::umip) && s.cpl() > 0 && (s.cr0 & cr0::pe)) return cpu.raise_gp(0);
        const TableRegister& t = op == 0 ? s.gdtr : s.idtr;
        const unsigned base_size = i.mode == CodeMode::Bits64 ? 8 : 4;
        // A 16-bit operand size stores the 24-bit base and a zero fourth byte.
        const u64 base = i.mode == CodeMode::Bits64 ? t.base
                         : i.operand_size == 2      ? t.base & 0xffffff
                                                    : t.base & 0xffffffff;
        if (!cpu.check_write(rm.seg, rm.offset, 2 + base_size)) return false;
        if (!cpu.write(rm.seg, rm.offset, 2, t.limit)) return false;
        return cpu.write(rm.seg, (rm.offset + 2) & Interpreter::mask(i.address_size), base_size, base);
    }
    case 2:   // LGDT
    case 3: { // LIDT
        if ((s.cr0 & cr0::pe) && !require_cpl0(cpu)) return false;
        if (s.rflags & rflags::vm) return cpu.raise_gp(0);
        u64 limit, base;
        const unsigned base_size = i.mode == CodeMode::Bits64 ? 8 : 4;
        if (!cpu.read(rm.seg, rm.offset, 2, limit)) return false;
        if (!cpu.read(rm.seg, (rm.offset + 2) & Interpreter::mask(i.address_size), base_size, base))
            return false;
        if (i.mode != CodeMode::Bits64 && i.operand_size == 2) base &= 0xffffff;
        if (i.mode == CodeMode::Bits64 && !canonical(base)) return cpu.raise_gp(0);
        TableRegister& t = op == 2 ? s.gdtr : s.idtr;
        t.base = base;
        t.limit = u16(limit);
        return true;
    }
    case 4: { // SMSW
        if ((s.cr4 & cr4::umip) && s.cpl() > 0 && (s.cr0 & cr0::pe)) return cpu.raise_gp(0);
        if (rm.is_reg) {
            cpu.set_reg(rm.reg, i.operand_size, s.cr0, true);
            return true;
        }
        return cpu.write(rm.seg, rm.offset, 2, s.cr0 & 0xffff);
    }
    case 6: { // LMSW: PE, MP, EM, TS; PE cannot be cleared (SDM vol. 2 LMSW)
        if ((s.cr0 & cr0::pe) && !require_cpl0(cpu)) return false;
        u64 v;
        if (!cpu.read_operand(i, rm, 2, v)) return false;
        u64 cr = (s.cr0 & ~0xeull) | (v & 0xf) | (s.cr0 & cr0::pe);
        return cpu.write_cr(0, cr);
    }
    case 7: // INVLPG
        if ((s.cr0 & cr0::pe) && !require_cpl0(cpu)) return false;
        {
            u64 linear;
            if (i.mode == CodeMode::Bits64)
                linear = rm.offset + ((rm.seg == Seg::fs || rm.seg == Seg::gs) ? s.segment(rm.seg).base : 0);
            else
                linear = (s.segment(rm.seg).base + rm.offset) & 0xffffffffull;
            cpu.invalidate_page(linear);
            cpu.bus().invlpg(GuestVirt(linear));
        }
        return true;
    default: return cpu.raise_ud();
    }
}

bool mov_cr(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (s.rflags & rflags::vm) return cpu.raise_gp(0);
    const unsigned cr = i.modrm_reg;
    if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8) return cpu.raise_ud();
    if (!require_cpl0(cpu)) return false;
    const unsigned size = i.mode == CodeMode::Bits64 ? 8 : 4;
    const unsigned r = i.modrm_rm; // the mod field is ignored (SDM vol. 2 MOV CR)
    if (i.opcode == 0x20) {
        u64 v = 0;
        switch (cr) {
        case 0: v = s.cr0; break;
        case 2: v = s.cr2; break;
        case 3: v = s.cr3; break;
        case 4: v = s.cr4; break;
        case 8: v = s.cr8; break;
        }
        cpu.set_reg(r, size, v, true);
        return true;
    }
    return cpu.write_cr(cr, cpu.reg(r, size, true));
}

bool mov_dr(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (s.rflags & rflags::vm) return cpu.raise_gp(0);
    unsigned dr = i.modrm_reg;
    if (dr > 7) return cpu.raise_ud();
    if (dr == 4 || dr == 5) {
        if (s.cr4 & cr4::de) return cpu.raise_ud();
        dr += 2;
    }
    if (!require_cpl0(cpu)) return false;
    const unsigned size = i.mode == CodeMode::Bits64 ? 8 : 4;
    if (i.opcode == 0x21) {
        cpu.set_reg(i.modrm_rm, size, s.dr[dr], true);
        return true;
    }
    u64 v = cpu.reg(i.modrm_rm, size, true);
    if (dr >= 6 && (v >> 32)) return cpu.raise_gp(0);
    if (dr == 6) v = (v & 0x1e00f) | 0xffff0ff0; // reserved bits read as 1 (SDM vol. 3 §17.2.3)
    if (dr == 7) v = (v & ~0xd800ull) | 0x400;
    s.dr[dr] = v;
    return true;
}

bool clts(Interpreter& cpu, const Instruction&) {
    if ((cpu.state().cr0 & cr0::pe) && !require_cpl0(cpu)) return false;
    cpu.state().cr0 &= ~cr0::ts;
    return true;
}

bool cache_op(Interpreter& cpu, const Instruction&) {
    // INVD/WBINVD: guest caches are coherent with RAM here; only the privilege check remains.
    return !(cpu.state().cr0 & cr0::pe) || require_cpl0(cpu);
}

bool cpuid(Interpreter& cpu, const Instruction&) {
    CpuidLeaf l = cpu.bus().cpuid(u32(cpu.state().reg(Gpr::rax)), u32(cpu.state().reg(Gpr::rcx)));
    cpu.set_gpr(Gpr::rax, 4, l.eax);
    cpu.set_gpr(Gpr::rbx, 4, l.ebx);
    cpu.set_gpr(Gpr::rcx, 4, l.ecx);
    cpu.set_gpr(Gpr::rdx, 4, l.edx);
    return true;
}

bool rdtsc(Interpreter& cpu, const Instruction&) {
    CpuState& s = cpu.state();
    if ((s.cr4 & cr4::tsd) && s.cpl() > 0 && (s.cr0 & cr0::pe)) return cpu.raise_gp(0);
    const u64 t = cpu.bus().tsc();
    cpu.set_gpr(Gpr::rax, 4, t & 0xffffffff);
    cpu.set_gpr(Gpr::rdx, 4, t >> 32);
    return true;
}

bool rdmsr(Interpreter& cpu, const Instruction&) {
    CpuState& s = cpu.state();
    if ((s.cr0 & cr0::pe) && !require_cpl0(cpu)) return false;
    const u32 index = u32(s.reg(Gpr::rcx));
    u64 v;
    switch (index) {
    case msr::efer: v = s.efer; break;
    case msr::star: v = s.msr.star; break;
    case msr::lstar: v = s.msr.lstar; break;
    case msr::cstar: v = s.msr.cstar; break;
    case msr::sfmask: v = s.msr.sfmask; break;
    case msr::fs_base: v = s.segment(Seg::fs).base; break;
    case msr::gs_base: v = s.segment(Seg::gs).base; break;
    case msr::kernel_gs_base: v = s.msr.kernel_gs_base; break;
    case msr::sysenter_cs: v = s.msr.sysenter_cs; break;
    case msr::sysenter_esp: v = s.msr.sysenter_esp; break;
    case msr::sysenter_eip: v = s.msr.sysenter_eip; break;
    case msr::pat: v = s.msr.pat; break;
    case msr::tsc_aux: v = s.msr.tsc_aux; break;
    case msr::tsc: v = cpu.bus().tsc(); break;
    case msr::apic_base: v = s.msr.apic_base; break;
    case msr::misc_enable: v = s.msr.misc_enable; break;
    default:
        if (!cpu.bus().read_msr(index, v)) return cpu.raise_gp(0);
        break;
    }
    cpu.set_gpr(Gpr::rax, 4, v & 0xffffffff);
    cpu.set_gpr(Gpr::rdx, 4, v >> 32);
    return true;
}

bool wrmsr(Interpreter& cpu, const Instruction&) {
    CpuState& s = cpu.state();
    if ((s.cr0 & cr0::pe) && !require_cpl0(cpu)) return false;
    const u32 index = u32(s.reg(Gpr::rcx));
    const u64 v = (cpu.gpr(Gpr::rdx, 4) << 32) | cpu.gpr(Gpr::rax, 4);
    auto need_canonical = [&] { return canonical(v) || cpu.raise_gp(0); };
    switch (index) {
    case msr::efer: {
        // SCE, LME, NXE writable; LMA is read-only; LME cannot change while paging is on (SDM vol. 3 §9.8.5).
        constexpr u64 writable = efer::sce | efer::lme | efer::nxe;
        if (v & ~(writable | efer::lma)) return cpu.raise_gp(0);
        if ((s.cr0 & cr0::pg) && ((v ^ s.efer) & efer::lme)) return cpu.raise_gp(0);
        cpu.write_efer((s.efer & efer::lma) | (v & writable));
        return true;
    }
    case msr::star: s.msr.star = v; return true;
    case msr::lstar: return need_canonical() && (s.msr.lstar = v, true);
    case msr::cstar: return need_canonical() && (s.msr.cstar = v, true);
    case msr::sfmask: s.msr.sfmask = v & 0xffffffff; return true;
    case msr::fs_base: return need_canonical() && (s.segment(Seg::fs).base = v, true);
    case msr::gs_base: return need_canonical() && (s.segment(Seg::gs).base = v, true);
    case msr::kernel_gs_base: return need_canonical() && (s.msr.kernel_gs_base = v, true);
    case msr::sysenter_cs: s.msr.sysenter_cs = v & 0xffff; return true;
    case msr::sysenter_esp: return need_canonical() && (s.msr.sysenter_esp = v, true);
    case msr::sysenter_eip: return need_canonical() && (s.msr.sysenter_eip = v, true);
    case msr::pat:
        // Each byte must be a valid memory type (0, 1, 4, 5, 6, 7).
        for (unsigned b = 0; b < 8; b++) {
            const unsigned t = (v >> (8 * b)) & 0xff;
            if (t == 2 || t == 3 || t > 7) return cpu.raise_gp(0);
        }
        s.msr.pat = v;
        return true;
    case msr::tsc_aux:
        if (v >> 32) return cpu.raise_gp(0);
        s.msr.tsc_aux = v;
        return true;
    case msr::misc_enable: s.msr.misc_enable = v; return true;
    default:
        if (index == msr::apic_base) {
            if (cpu.bus().write_msr(index, v))
                s.msr.apic_base = v;
            else
                s.msr.apic_base = v;
            return true;
        }
        if (!cpu.bus().write_msr(index, v)) return cpu.raise_gp(0);
        return true;
    }
}

bool syscall(Interpreter& cpu, const Instruction&) {
    CpuState& s = cpu.state();
    // Intel: SYSCALL only in 64-bit mode and with EFER.SCE (SDM vol. 2 SYSCALL).
    if (cpu.code_mode() != CodeMode::Bits64 || !(s.efer & efer::sce)) return cpu.raise_ud();
    const u16 sel = u16((s.msr.star >> 32) & 0xfffc);
    s.reg(Gpr::rcx) = cpu.next_rip();
    s.reg(Gpr::r11) = s.rflags & ~rflags::rf;
    s.rflags = (s.rflags & ~(s.msr.sfmask | rflags::rf)) | rflags::fixed1;
    s.segment(Seg::ss) = flat_segment(u16(sel + 8), false, 0, false);
    cpu.commit_code_segment(flat_segment(sel, true, 0, true), s.msr.lstar);
    return true;
}

bool sysret(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (cpu.code_mode() != CodeMode::Bits64 || !(s.efer & efer::sce)) return cpu.raise_ud();
    if (!require_cpl0(cpu)) return false;
    const bool to64 = i.rex_w();
    const u64 target = to64 ? s.reg(Gpr::rcx) : s.reg(Gpr::rcx) & 0xffffffff;
    if (!canonical(target)) return cpu.raise_gp(0);
    const u16 base = u16((s.msr.star >> 48) & 0xffff);
    const u16 cs_sel = u16(((to64 ? base + 16 : base) & 0xfffc) | 3);
    s.rflags = (s.reg(Gpr::r11) & 0x3c7fd7) | rflags::fixed1;
    // SYSRET loads SS with the selector only; the cache is fixed flat data (SDM vol. 2 SYSRET).
    s.segment(Seg::ss) = flat_segment(u16((base + 8) | 3), false, 3, false);
    cpu.commit_code_segment(flat_segment(cs_sel, true, 3, to64), target);
    return true;
}

bool sysenter(Interpreter& cpu, const Instruction&) {
    CpuState& s = cpu.state();
    if (!(s.cr0 & cr0::pe)) return cpu.raise_gp(0);
    const u16 sel = u16(s.msr.sysenter_cs & 0xfffc);
    if (sel == 0) return cpu.raise_gp(0);
    const bool lm = s.efer & efer::lma;
    s.rflags &= ~(rflags::vm | rflags::if_ | rflags::rf);
    s.segment(Seg::ss) = flat_segment(u16(sel + 8), false, 0, false);
    s.reg(Gpr::rsp) = lm ? s.msr.sysenter_esp : s.msr.sysenter_esp & 0xffffffff;
    cpu.commit_code_segment(flat_segment(sel, true, 0, lm),
                            lm ? s.msr.sysenter_eip : s.msr.sysenter_eip & 0xffffffff);
    return true;
}

bool sysexit(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    if (!(s.cr0 & cr0::pe) || (s.rflags & rflags::vm)) return cpu.raise_gp(0);
    if (!require_cpl0(cpu)) return false;
    const u16 sel = u16(s.msr.sysenter_cs & 0xfffc);
    if (sel == 0) return cpu.raise_gp(0);
    const bool to64 = i.rex_w();
    u64 rip = s.reg(Gpr::rdx), rsp = s.reg(Gpr::rcx);
    if (to64 && (!canonical(rip) || !canonical(rsp))) return cpu.raise_gp(0);
    if (!to64) {
        rip &= 0xffffffff;
        rsp &= 0xffffffff;
    }
    s.segment(Seg::ss) = flat_segment(u16((sel + (to64 ? 40 : 24)) | 3), false, 3, false);
    s.reg(Gpr::rsp) = rsp;
    cpu.commit_code_segment(flat_segment(u16((sel + (to64 ? 32 : 16)) | 3), true, 3, to64), rip);
    return true;
}

bool group15(Interpreter& cpu, const Instruction& i) {
    CpuState& s = cpu.state();
    const unsigned reg = i.group_index();
    auto rm = cpu.rm_operand(i);
    if (i.rep == RepPrefix::Rep && rm.is_reg && reg <= 3) {
        // RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE (64-bit mode, CR4.FSGSBASE).
        if (!(s.cr4 & cr4::fsgsbase)) return cpu.raise_ud();
        SegmentRegister& sr = s.segment(reg & 1 ? Seg::gs : Seg::fs);
        const unsigned size = i.operand_size == 8 ? 8 : 4;
        if (reg < 2) {
            cpu.set_reg(rm.reg, size, sr.base, true);
            return true;
        }
        const u64 v = cpu.reg(rm.reg, size, true);
        if (u64(i64(v << 16) >> 16) != v) return cpu.raise_gp(0);
        sr.base = v;
        return true;
    }
    if (i.rep == RepPrefix::None && rm.is_reg && reg >= 5) return true; // LFENCE/MFENCE/SFENCE
    if (i.rep == RepPrefix::None && !rm.is_reg && reg == 7) {
        // CLFLUSH/CLFLUSHOPT: caches are coherent here; only the access checks of a byte read remain.
        u64 linear;
        if (!cpu.segment_linear(rm.seg, rm.offset, 1, AccessType::read, linear)) return false;
        u64 ignored;
        return cpu.read_linear(linear, 1, ignored, AccessType::read);
    }
    return cpu.raise_unsupported(); // FXSAVE/XSAVE and friends: guest FPU state is not emulated
}

bool unsupported(Interpreter& cpu, const Instruction&) { return cpu.raise_unsupported(); }
bool undefined(Interpreter& cpu, const Instruction&) { return cpu.raise_ud(); }

} // namespace realvm::vcpu::exec
