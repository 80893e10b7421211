// Interrupt and exception delivery (SDM vol. 3 §6.12-6.15, §20.1.4) and the double-fault rules.
#include "vmm/vcpu/interrupt.hpp"

namespace realvm::vcpu {

namespace {

enum class Class : u8 { benign, contributory, page_fault, double_fault };

// SDM vol. 3 §6.15, table 6-4.
Class classify(u8 vector, EventKind kind) {
    if (kind != EventKind::exception) return Class::benign;
    switch (vector) {
    case 0:
    case 10:
    case 11:
    case 12:
    case 13: return Class::contributory;
    case 14: return Class::page_fault;
    case 8: return Class::double_fault;
    default: return Class::benign;
    }
}

constexpr bool canonical(u64 a) { return u64(i64(a << 16) >> 16) == a; }

} // namespace

DeliveryResult deliver_event(Interpreter& cpu, u8 vector, EventKind kind, bool has_error_code, u32 error_code,
                             u64 cr2) {
    CpuState& s = cpu.state();
    s.halted = false;
    if (vector == 14 && kind == EventKind::exception) s.cr2 = cr2;
    // Error codes exist only for exceptions (an INT n to an error-code vector pushes none).
    if (kind != EventKind::exception) has_error_code = false;
    cpu.clear_unsupported();
    if (cpu.deliver_once(vector, kind, has_error_code, error_code))
        return {DeliveryStatus::delivered, vector};
    if (cpu.unsupported()) return {DeliveryStatus::unsupported, vector};
    Exception second = cpu.raised();
    const Class first_class = classify(vector, kind);
    const Class second_class = classify(static_cast<u8>(second.vector), EventKind::exception);
    if (first_class == Class::double_fault) return {DeliveryStatus::triple_fault, 8};
    const bool escalate = (first_class == Class::contributory && second_class == Class::contributory) ||
                          (first_class == Class::page_fault &&
                           (second_class == Class::contributory || second_class == Class::page_fault));
    if (escalate) {
        if (cpu.deliver_once(8, EventKind::exception, true, 0)) return {DeliveryStatus::delivered, 8};
        return {DeliveryStatus::triple_fault, 8};
    }
    // Otherwise the second exception is handled serially (it is delivered instead).
    if (second.vector == Vector::pf) s.cr2 = second.cr2;
    const u8 v2 = static_cast<u8>(second.vector);
    if (cpu.deliver_once(v2, EventKind::exception, second.has_error_code, second.error_code))
        return {DeliveryStatus::delivered, v2};
    const Class c2 = second_class;
    const Class c3 = classify(static_cast<u8>(cpu.raised().vector), EventKind::exception);
    if ((c2 == Class::contributory && c3 == Class::contributory) ||
        (c2 == Class::page_fault && (c3 == Class::contributory || c3 == Class::page_fault))) {
        if (cpu.deliver_once(8, EventKind::exception, true, 0)) return {DeliveryStatus::delivered, 8};
    }
    return {DeliveryStatus::triple_fault, 8};
}

bool Interpreter::deliver_once(u8 vector, EventKind kind, bool has_error_code, u32 error_code) {
    update_mode();
    const CpuState saved = s_;
    bool ok;
    switch (cpu_mode_) {
    case CpuMode::real: ok = deliver_real_mode(vector); break;
    default:
        ok = (s_.efer & efer::lma) ? deliver_long(vector, kind, has_error_code, error_code)
                                   : deliver_protected(vector, kind, has_error_code, error_code);
        break;
    }
    if (!ok) {
        s_ = saved;
        update_mode();
        return false;
    }
    s_.halted = false;
    if (vector == 2 && kind == EventKind::nmi) s_.nmi_blocked = true;
    update_mode();
    return true;
}

// Real mode: the IVT entry is IP:CS at IDTR.base + 4 * vector (SDM vol. 3 §20.1.4).
bool Interpreter::deliver_real_mode(u8 vector) {
    const u64 entry = u64(vector) * 4;
    if (entry + 3 > s_.idtr.limit) return raise_gp(u32(vector) * 8 + 2);
    u64 ivt;
    if (!read_linear(s_.idtr.base + entry, 4, ivt, AccessType::read, true)) return false;
    if (!push(s_.rflags & 0xffff, 2)) return false;
    if (!push(s_.segment(Seg::cs).selector, 2)) return false;
    if (!push(s_.rip & 0xffff, 2)) return false;
    s_.rflags &= ~(rflags::if_ | rflags::tf | rflags::ac | rflags::rf);
    SegmentRegister& cs = s_.segment(Seg::cs);
    cs.selector = u16(ivt >> 16);
    cs.base = u64(cs.selector) << 4;
    s_.rip = ivt & 0xffff;
    return true;
}

namespace {

struct Gate {
    u16 selector;
    u64 offset;
    unsigned type; // 4-bit system type
    unsigned dpl;
    bool present;
    unsigned ist;
};

Gate decode_gate(u64 low, u64 high) {
    Gate g;
    g.selector = u16(low >> 16);
    g.offset = (low & 0xffff) | ((low >> 32) & 0xffff0000ull) | ((high & 0xffffffffull) << 32);
    g.type = (low >> 40) & 0xf;
    g.dpl = (low >> 45) & 3;
    g.present = (low >> 47) & 1;
    g.ist = (low >> 32) & 7;
    return g;
}

} // namespace

bool Interpreter::inner_stack_from_tss(unsigned new_cpl, u32 ext, SegmentRegister& ss, u64& new_sp) {
    // SS:ESP for new_cpl from the current TSS (SDM vol. 3 §7.2.1; the 16-bit TSS of §7.6).
    const SegmentRegister& tr = s_.tr;
    const bool tss32 = (tr.attr & 0xf) == 11 || (tr.attr & 0xf) == 9;
    const u64 off = tss32 ? 4 + u64(new_cpl) * 8 : 2 + u64(new_cpl) * 4;
    const unsigned w = tss32 ? 4 : 2;
    if (off + 2 * w - 1 > tr.limit)
        return raise(Exception::with_code(Vector::ts, (tr.selector & 0xfffc) + ext));
    u64 new_ss;
    if (!read_linear(tr.base + off, w, new_sp, AccessType::read, true)) return false;
    if (!read_linear(tr.base + off + w, 2, new_ss, AccessType::read, true)) return false;
    if ((new_ss & ~3u) == 0) return raise(Exception::with_code(Vector::ts, ext));
    // The stack segment must be a writable data segment of DPL = RPL = new CPL (else #TS).
    u64 ss_low;
    if (!read_descriptor(u16(new_ss), ss_low, nullptr, (new_ss & 0xfffc) + ext)) return false;
    ss = cache_from_descriptor(u16(new_ss), ss_low, 0);
    if ((new_ss & 3) != new_cpl || ss.dpl() != new_cpl || !(ss.attr & seg_attr::s) || ss.is_code() ||
        !(ss.attr & seg_attr::type_rw))
        return raise(Exception::with_code(Vector::ts, (new_ss & 0xfffc) + ext));
    if (!ss.present()) return raise(Exception::with_code(Vector::ss, (new_ss & 0xfffc) + ext));
    return true;
}

bool Interpreter::deliver_protected(u8 vector, EventKind kind, bool has_error_code, u32 error_code) {
    const u32 ext = (kind == EventKind::external || kind == EventKind::nmi ||
                     (kind == EventKind::exception) || kind == EventKind::icebp)
                        ? sel_error::ext
                        : 0;
    const u32 idt_err = u32(vector) * 8 + sel_error::idt + ext;
    const u64 entry = u64(vector) * 8;
    if (entry + 7 > s_.idtr.limit) return raise_gp(idt_err);
    u64 low;
    if (!read_linear(s_.idtr.base + entry, 8, low, AccessType::read, true)) return false;
    Gate g = decode_gate(low, 0);
    g.offset &= 0xffffffff;
    if (g.type == 5) return raise_unsupported(); // task gate
    if (g.type != 6 && g.type != 7 && g.type != 14 && g.type != 15) return raise_gp(idt_err);
    const bool soft = kind == EventKind::software_int || kind == EventKind::int3 || kind == EventKind::into;
    const unsigned cpl = s_.cpl();
    if (soft && g.dpl < cpl) return raise_gp(idt_err);
    if (!g.present) return raise(Exception::with_code(Vector::np, idt_err));
    const bool gate32 = g.type >= 14;
    const unsigned size = gate32 ? 4 : 2;
    const bool trap_gate = g.type & 1;

    // The handler's code segment.
    const u32 cs_err = (g.selector & 0xfffc) + ext;
    if ((g.selector & ~3u) == 0) return raise_gp(ext);
    u64 cs_low;
    if (!read_descriptor(g.selector, cs_low, nullptr, cs_err)) return false;
    SegmentRegister cs = cache_from_descriptor(g.selector, cs_low, 0);
    if (!(cs.attr & seg_attr::s) || !cs.is_code() || cs.dpl() > cpl) return raise_gp(cs_err);
    if (!cs.present()) return raise(Exception::with_code(Vector::np, cs_err));
    const bool conforming = cs.attr & seg_attr::type_dc;
    const bool v86 = s_.rflags & rflags::vm;
    const unsigned new_cpl = conforming ? cpl : cs.dpl();
    if (v86 && new_cpl != 0) return raise_gp(cs_err);
    if (g.offset > cs.limit) return raise_gp(0);
    cs.selector = u16((g.selector & ~3u) | new_cpl);

    const u64 old_flags = s_.rflags;
    const SegmentRegister old_cs = s_.segment(Seg::cs);
    const SegmentRegister old_ss = s_.segment(Seg::ss);
    const u64 old_rsp = s_.reg(Gpr::rsp);
    if (new_cpl < cpl) {
        SegmentRegister ss;
        u64 new_sp;
        if (!inner_stack_from_tss(new_cpl, ext, ss, new_sp)) return false;
        s_.segment(Seg::ss) = ss;
        s_.reg(Gpr::rsp) = new_sp;
        if (v86) {
            for (Seg sg : v86_push_order)
                if (!push(s_.segment(sg).selector, size)) return false;
        }
        if (!push(old_ss.selector, size) || !push(old_rsp, size)) return false;
    } else if (v86) {
        return raise_gp(cs_err);
    }
    if (!push(old_flags, size) || !push(old_cs.selector, size) || !push(s_.rip, size)) return false;
    if (has_error_code && !push(error_code, size)) return false;
    if (v86) {
        for (Seg sg : v86_push_order)
            s_.segment(sg) = SegmentRegister{0, 0, 0, seg_attr::unusable};
    }
    s_.rflags &= ~(rflags::tf | rflags::nt | rflags::rf | rflags::vm);
    if (!trap_gate) s_.rflags &= ~rflags::if_;
    s_.segment(Seg::cs) = cs;
    s_.rip = g.offset;
    return true;
}

bool Interpreter::deliver_long(u8 vector, EventKind kind, bool has_error_code, u32 error_code) {
    const u32 ext = (kind == EventKind::external || kind == EventKind::nmi || kind == EventKind::exception ||
                     kind == EventKind::icebp)
                        ? sel_error::ext
                        : 0;
    const u32 idt_err = u32(vector) * 8 + sel_error::idt + ext;
    const u64 entry = u64(vector) * 16;
    if (entry + 15 > s_.idtr.limit) return raise_gp(idt_err);
    u64 low, high;
    if (!read_linear(s_.idtr.base + entry, 8, low, AccessType::read, true)) return false;
    if (!read_linear(s_.idtr.base + entry + 8, 8, high, AccessType::read, true)) return false;
    const Gate g = decode_gate(low, high);
    if (g.type != 14 && g.type != 15) return raise_gp(idt_err); // only 64-bit gates (§6.14.1)
    const bool soft = kind == EventKind::software_int || kind == EventKind::int3 || kind == EventKind::into;
    const unsigned cpl = s_.cpl();
    if (soft && g.dpl < cpl) return raise_gp(idt_err);
    if (!g.present) return raise(Exception::with_code(Vector::np, idt_err));
    const u32 cs_err = (g.selector & 0xfffc) + ext;
    if ((g.selector & ~3u) == 0) return raise_gp(ext);
    u64 cs_low;
    if (!read_descriptor(g.selector, cs_low, nullptr, cs_err)) return false;
    SegmentRegister cs = cache_from_descriptor(g.selector, cs_low, 0);
    if (!(cs.attr & seg_attr::s) || !cs.is_code() || !cs.long_mode() || cs.big() || cs.dpl() > cpl)
        return raise_gp(cs_err);
    if (!cs.present()) return raise(Exception::with_code(Vector::np, cs_err));
    if (!canonical(g.offset)) return raise_gp(0);
    const bool conforming = cs.attr & seg_attr::type_dc;
    const unsigned new_cpl = conforming ? cpl : cs.dpl();
    cs.selector = u16((g.selector & ~3u) | new_cpl);

    const u64 old_ss = s_.segment(Seg::ss).selector, old_rsp = s_.reg(Gpr::rsp);
    u64 rsp = old_rsp;
    if (new_cpl < cpl || g.ist) {
        // RSPn or ISTn from the 64-bit TSS (§7.7): RSP0 at 4, IST1 at 36.
        const u64 off = g.ist ? 36 + u64(g.ist - 1) * 8 : 4 + u64(new_cpl) * 8;
        if (off + 7 > s_.tr.limit)
            return raise(Exception::with_code(Vector::ts, (s_.tr.selector & 0xfffc) + ext));
        if (!read_linear(s_.tr.base + off, 8, rsp, AccessType::read, true)) return false;
        if (!canonical(rsp)) return raise(Exception::with_code(Vector::ss, ext));
    }
    if (new_cpl < cpl) {
        // A privilege change loads a null SS with RPL = new CPL (§6.14.4).
        s_.segment(Seg::ss) = SegmentRegister{
            u16(new_cpl), 0, 0, seg_attr::unusable | (new_cpl << seg_attr::dpl_shift) | seg_attr::db};
    }
    rsp &= ~0xfull; // the stack is aligned to 16 bytes (§6.14.2)
    // Pushes are 64-bit wide with a 64-bit stack pointer, whatever mode was interrupted.
    const CodeMode saved_mode = code_mode_;
    code_mode_ = CodeMode::Bits64;
    u64 frame[6] = {old_ss, old_rsp, s_.rflags, s_.segment(Seg::cs).selector, s_.rip, error_code};
    const unsigned n = has_error_code ? 6 : 5;
    bool ok = true;
    for (unsigned k = 0; k < n && ok; k++) {
        rsp -= 8;
        if (!canonical(rsp))
            ok = raise(Exception::with_code(Vector::ss, 0));
        else
            ok = write_linear(rsp, 8, frame[k]);
    }
    code_mode_ = saved_mode;
    if (!ok) return false;
    s_.reg(Gpr::rsp) = rsp;
    s_.rflags &= ~(rflags::tf | rflags::nt | rflags::rf | rflags::vm);
    if (!(g.type & 1)) s_.rflags &= ~rflags::if_;
    s_.segment(Seg::cs) = cs;
    s_.rip = g.offset;
    return true;
}

} // namespace realvm::vcpu
