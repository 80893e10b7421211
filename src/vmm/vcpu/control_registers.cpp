// Writes to CR0/CR3/CR4/CR8, EFER and RFLAGS with their checks (SDM vol. 2 MOV CR; vol. 3 §2.5,
// §9.8.5 long-mode activation) and their effects on the TLB (§4.10.4).
#include "vmm/vcpu/interpreter.hpp"

namespace realvm::vcpu {

void Interpreter::write_flags(u64 value, u64 changeable) {
    const u64 old = s_.rflags;
    s_.rflags = ((old & ~changeable) | (value & changeable) | rflags::fixed1) &
                ~(u64(1) << 3 | u64(1) << 5 | u64(1) << 15);
    if ((old ^ s_.rflags) & rflags::vm) mode_may_have_changed();
}

void Interpreter::write_efer(u64 value) {
    const u64 old = s_.efer;
    s_.efer = value;
    if (old != value) {
        mode_may_have_changed();
        bus_.efer_written(old, value);
    }
}

bool Interpreter::write_cr(unsigned cr, u64 value) {
    const bool lma = s_.efer & efer::lma;
    switch (cr) {
    case 0: {
        if (value >> 32) return raise_gp(0);
        value |= cr0::et; // hard-wired on every CPU since the 486
        if ((value & cr0::pg) && !(value & cr0::pe)) return raise_gp(0);
        if ((value & cr0::nw) && !(value & cr0::cd)) return raise_gp(0);
        const u64 old = s_.cr0;
        const bool enabling_paging = (value & cr0::pg) && !(old & cr0::pg);
        const bool disabling_paging = !(value & cr0::pg) && (old & cr0::pg);
        if (enabling_paging && (s_.efer & efer::lme)) {
            // Long-mode activation (§9.8.5): needs PAE and a CS that is not 64-bit yet.
            if (!(s_.cr4 & cr4::pae) || s_.segment(Seg::cs).long_mode()) return raise_gp(0);
            s_.efer |= efer::lma;
        }
        if (disabling_paging && lma) {
            if (code_mode_ == CodeMode::Bits64) return raise_gp(0);
            s_.efer &= ~efer::lma;
        }
        s_.cr0 = value;
        mode_may_have_changed();
        if ((old ^ value) & (cr0::pg | cr0::wp | cr0::pe)) flush_tlb(true);
        bus_.cr_written(0, old, value);
        return true;
    }
    case 2: s_.cr2 = value; return true;
    case 3: {
        if (lma && (value >> 52)) return raise_gp(0);
        const u64 old = s_.cr3;
        // PCID: bit 63 set means "do not flush" (§4.10.4.1); it is not stored.
        const bool no_flush = (s_.cr4 & cr4::pcide) && (value >> 63);
        value &= ~(1ull << 63);
        if (code_mode_ != CodeMode::Bits64 && !lma) value &= 0xffffffff;
        s_.cr3 = value;
        if (!no_flush) flush_tlb(false);
        mode_may_have_changed(); // the page walker's configuration holds CR3
        bus_.cr_written(3, old, value);
        return true;
    }
    case 4: {
        constexpr u64 supported = cr4::vme | cr4::pvi | cr4::tsd | cr4::de | cr4::pse | cr4::pae | cr4::mce |
                                  cr4::pge | cr4::pce | cr4::osfxsr | cr4::osxmmexcpt | cr4::umip |
                                  cr4::fsgsbase | cr4::pcide | cr4::osxsave | cr4::smep | cr4::smap;
        if (value & ~supported) return raise_gp(0);
        if (lma && !(value & cr4::pae)) return raise_gp(0);
        if ((value & cr4::pcide) && !(s_.cr4 & cr4::pcide) && ((s_.cr3 & 0xfff) || !lma)) return raise_gp(0);
        const u64 old = s_.cr4;
        s_.cr4 = value;
        mode_may_have_changed();
        if ((old ^ value) & (cr4::pge | cr4::pae | cr4::pse | cr4::pcide | cr4::smep | cr4::smap))
            flush_tlb(true);
        bus_.cr_written(4, old, value);
        return true;
    }
    case 8:
        if (value >> 4) return raise_gp(0);
        s_.cr8 = value;
        bus_.cr_written(8, 0, value);
        return true;
    default: return raise_ud();
    }
}

} // namespace realvm::vcpu
