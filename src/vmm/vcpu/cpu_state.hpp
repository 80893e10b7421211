// The architectural state of one virtual CPU: what the interpreter, the direct-execution engine, the
// BIOS services, the save format and the gdb stub all read and write.
//
// Segment registers keep their hidden part (the descriptor cache, SDM vol. 3 §3.4.3) in the layout of
// the VMX "access rights" field (SDM vol. 3 §24.4.1): type in bits 0-3, S 4, DPL 5-6, P 7, AVL 12, L 13,
// D/B 14, G 15, and "unusable" in bit 16 (a null selector loaded in protected mode). The limit is kept
// expanded to bytes (granularity already applied), as the CPU's cache holds it.
#pragma once

#include "base/types.hpp"

namespace realvm::vcpu {

enum class Gpr : u8 { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };
constexpr unsigned gpr_count = 16;

// Segment registers in the encoding of the ModRM reg field and of segment-override prefixes.
enum class Seg : u8 { es, cs, ss, ds, fs, gs };
constexpr unsigned seg_count = 6;
constexpr Seg data_segments[] = {Seg::es, Seg::ds, Seg::fs, Seg::gs};
constexpr Seg v86_push_order[] = {Seg::gs, Seg::fs, Seg::ds, Seg::es}; // interrupt from V86 (SDM §6.12.1)

// RFLAGS bits (SDM vol. 1 §3.4.3).
namespace rflags {
constexpr u64 cf = 1u << 0;
constexpr u64 fixed1 = 1u << 1; // always reads as 1
constexpr u64 pf = 1u << 2;
constexpr u64 af = 1u << 4;
constexpr u64 zf = 1u << 6;
constexpr u64 sf = 1u << 7;
constexpr u64 tf = 1u << 8;
constexpr u64 if_ = 1u << 9;
constexpr u64 df = 1u << 10;
constexpr u64 of = 1u << 11;
constexpr u64 iopl = 3u << 12;
constexpr unsigned iopl_shift = 12;
constexpr u64 nt = 1u << 14;
constexpr u64 rf = 1u << 16;
constexpr u64 vm = 1u << 17;
constexpr u64 ac = 1u << 18;
constexpr u64 vif = 1u << 19;
constexpr u64 vip = 1u << 20;
constexpr u64 id = 1u << 21;
constexpr u64 arith = cf | pf | af | zf | sf | of; // the six status flags
constexpr u64 writable = arith | tf | if_ | df | iopl | nt | rf | vm | ac | vif | vip | id;
} // namespace rflags

namespace cr0 {
constexpr u64 pe = 1u << 0;
constexpr u64 mp = 1u << 1;
constexpr u64 em = 1u << 2;
constexpr u64 ts = 1u << 3;
constexpr u64 et = 1u << 4;
constexpr u64 ne = 1u << 5;
constexpr u64 wp = 1u << 16;
constexpr u64 am = 1u << 18;
constexpr u64 nw = 1u << 29;
constexpr u64 cd = 1u << 30;
constexpr u64 pg = 1u << 31;
} // namespace cr0

namespace cr4 {
constexpr u64 vme = 1u << 0;
constexpr u64 pvi = 1u << 1;
constexpr u64 tsd = 1u << 2;
constexpr u64 de = 1u << 3;
constexpr u64 pse = 1u << 4;
constexpr u64 pae = 1u << 5;
constexpr u64 mce = 1u << 6;
constexpr u64 pge = 1u << 7;
constexpr u64 pce = 1u << 8;
constexpr u64 osfxsr = 1u << 9;
constexpr u64 osxmmexcpt = 1u << 10;
constexpr u64 umip = 1u << 11;
constexpr u64 la57 = 1u << 12;
constexpr u64 fsgsbase = 1u << 16;
constexpr u64 pcide = 1u << 17;
constexpr u64 osxsave = 1u << 18;
constexpr u64 smep = 1u << 20;
constexpr u64 smap = 1u << 21;
constexpr u64 pke = 1u << 22;
} // namespace cr4

namespace efer {
constexpr u64 sce = 1u << 0;
constexpr u64 lme = 1u << 8;
constexpr u64 lma = 1u << 10;
constexpr u64 nxe = 1u << 11;
} // namespace efer

// Segment access rights in the VMX layout (see the file comment).
namespace seg_attr {
constexpr u32 type_mask = 0xf;
constexpr u32 type_accessed = 1u << 0;
constexpr u32 type_rw = 1u << 1;   // data: writable; code: readable
constexpr u32 type_dc = 1u << 2;   // data: expand-down; code: conforming
constexpr u32 type_code = 1u << 3; // code segment
constexpr u32 s = 1u << 4;         // 1 = code/data, 0 = system
constexpr unsigned dpl_shift = 5;
constexpr u32 dpl_mask = 3u << 5;
constexpr u32 p = 1u << 7;
constexpr u32 avl = 1u << 12;
constexpr u32 l = 1u << 13;
constexpr u32 db = 1u << 14;
constexpr u32 g = 1u << 15;
constexpr u32 unusable = 1u << 16;
// Real-mode data segment: present, writable, accessed, 16-bit (SDM vol. 3 §20.1.1 / reset state).
constexpr u32 real_mode_data = p | s | type_rw | type_accessed;
constexpr u32 real_mode_code = p | s | type_code | type_rw | type_accessed;
} // namespace seg_attr

struct SegmentRegister {
    u16 selector = 0;
    u64 base = 0;
    u32 limit = 0xffff;
    u32 attr = seg_attr::real_mode_data;

    constexpr unsigned dpl() const { return (attr & seg_attr::dpl_mask) >> seg_attr::dpl_shift; }
    constexpr bool present() const { return attr & seg_attr::p; }
    constexpr bool unusable() const { return attr & seg_attr::unusable; }
    constexpr bool is_code() const { return attr & seg_attr::type_code; }
    constexpr bool big() const { return attr & seg_attr::db; }
    constexpr bool long_mode() const { return attr & seg_attr::l; }
};

// GDTR/IDTR (SDM vol. 3 §2.4).
struct TableRegister {
    u64 base = 0;
    u16 limit = 0xffff;
};

// The MSRs the interpreter itself implements. Others go to the bus (Bus::read_msr/write_msr).
namespace msr {
constexpr u32 tsc = 0x10;
constexpr u32 apic_base = 0x1b;
constexpr u32 sysenter_cs = 0x174;
constexpr u32 sysenter_esp = 0x175;
constexpr u32 sysenter_eip = 0x176;
constexpr u32 misc_enable = 0x1a0;
constexpr u32 pat = 0x277;
constexpr u32 efer = 0xc0000080;
constexpr u32 star = 0xc0000081;
constexpr u32 lstar = 0xc0000082;
constexpr u32 cstar = 0xc0000083;
constexpr u32 sfmask = 0xc0000084;
constexpr u32 fs_base = 0xc0000100;
constexpr u32 gs_base = 0xc0000101;
constexpr u32 kernel_gs_base = 0xc0000102;
constexpr u32 tsc_aux = 0xc0000103;
} // namespace msr

struct MsrState {
    u64 star = 0, lstar = 0, cstar = 0, sfmask = 0;
    u64 kernel_gs_base = 0;
    u64 sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
    u64 pat = 0x0007040600070406ull; // power-up value (SDM vol. 3 §13.12.4)
    u64 tsc_aux = 0;
    u64 apic_base = 0xfee00900; // BSP, xAPIC enabled, default base (SDM vol. 3 §11.4.4)
    u64 misc_enable = 1;        // fast strings
};

enum class CpuMode : u8 {
    real,           // CR0.PE = 0
    v86,            // protected mode with RFLAGS.VM = 1
    protected_mode, // protected mode or compatibility mode (EFER.LMA = 1, CS.L = 0)
    long64,         // EFER.LMA = 1 and CS.L = 1
};

// The x87 control state RealVM keeps (it emulates only FPU detection and control-word setup; see
// exec_data.cpp). Power-up values (SDM vol. 3 §10.1.4, table 10-1).
struct X87Control {
    u16 fcw = 0x40;
    u16 fsw = 0;
    u16 ftw = 0x5555;
};

// An exception the last instruction raised and the caller has not yet delivered.
struct PendingException {
    bool valid = false;
    u8 vector = 0;
    bool has_error_code = false;
    u32 error_code = 0;
};

struct CpuState {
    u64 gpr[gpr_count] = {};
    u64 rip = 0xfff0;
    u64 rflags = rflags::fixed1;
    SegmentRegister seg[seg_count] = {};
    SegmentRegister ldtr{0, 0, 0xffff, 0x82}; // LDT, present
    SegmentRegister tr{0, 0, 0xffff, 0x8b};   // busy 32-bit TSS, present
    TableRegister gdtr, idtr;
    u64 cr0 = cr0::et | cr0::cd | cr0::nw;
    u64 cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0;
    u64 efer = 0;
    u64 dr[8] = {0, 0, 0, 0, 0xffff0ff0, 0x400, 0xffff0ff0, 0x400}; // DR4/5 alias DR6/7
    u64 xcr0 = 1;                                                   // x87 state always enabled
    MsrState msr;
    X87Control x87;
    bool interrupt_shadow = false; // STI or MOV/POP SS just executed: no interrupt before next instruction
    bool nmi_blocked = false;      // between NMI delivery and the next IRET
    bool halted = false;
    PendingException pending;

    constexpr u64& reg(Gpr r) { return gpr[static_cast<unsigned>(r)]; }
    constexpr u64 reg(Gpr r) const { return gpr[static_cast<unsigned>(r)]; }
    constexpr SegmentRegister& segment(Seg s) { return seg[static_cast<unsigned>(s)]; }
    constexpr const SegmentRegister& segment(Seg s) const { return seg[static_cast<unsigned>(s)]; }

    constexpr bool protected_mode() const { return cr0 & cr0::pe; }
    constexpr bool paging() const { return cr0 & cr0::pg; }
    constexpr bool long_mode_active() const { return efer & efer::lma; }
    constexpr CpuMode mode() const {
        if (!protected_mode()) return CpuMode::real;
        if (rflags & rflags::vm) return CpuMode::v86;
        if (long_mode_active() && segment(Seg::cs).long_mode()) return CpuMode::long64;
        return CpuMode::protected_mode;
    }
    // Current privilege level: SS.DPL in protected mode (always equal to CPL, unlike CS.DPL for a
    // conforming code segment; VMX makes the same choice, SDM vol. 3 §24.4.1), 3 in V86, 0 in real mode.
    constexpr unsigned cpl() const {
        if (!(cr0 & cr0::pe)) return 0;
        return (rflags & rflags::vm) ? 3 : segment(Seg::ss).dpl();
    }
    constexpr unsigned iopl() const { return (rflags >> rflags::iopl_shift) & 3; }

    // The state after RESET (SDM vol. 3 §10.1.4, table 10-1): CS.selector F000, base FFFF0000, IP FFF0.
    static constexpr CpuState reset() {
        CpuState s;
        for (auto& sr : s.seg)
            sr = SegmentRegister{};
        s.segment(Seg::cs) = SegmentRegister{0xf000, 0xffff0000, 0xffff, seg_attr::real_mode_code};
        s.gpr[static_cast<unsigned>(Gpr::rdx)] = 0x600; // family 6 signature placeholder
        return s;
    }
    // Real-mode state as a BIOS leaves it for a boot sector or a test: CS:IP given, flat 64 KiB segments.
    static constexpr CpuState real_mode(u16 cs, u16 ip) {
        CpuState s = reset();
        s.segment(Seg::cs) = SegmentRegister{cs, u64(cs) << 4, 0xffff, seg_attr::real_mode_code};
        s.rip = ip;
        s.gpr[static_cast<unsigned>(Gpr::rdx)] = 0;
        return s;
    }
};

} // namespace realvm::vcpu
