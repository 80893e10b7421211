// Group opcodes and x87 escapes: the ModRM.reg / ModRM.rm selected forms (SDM vol. 2 tables ..A-22).
#include "vmm/vcpu/decoder_groups.hpp"

namespace realvm::vcpu {
namespace {

using namespace OpcodeFlags;

constexpr u16 op(OpcodeMap map, u8 opcode) { return opcode_index(map, opcode); }
constexpr OpcodeMap one = OpcodeMap::Primary;
constexpr OpcodeMap two = OpcodeMap::Map0F;

// Bit n set: the register form with ModRM.rm = n of the row is defined.
constexpr bool bit(u8 mask, u8 n) { return (mask >> n) & 1; }

// x87 (D8-DF): memory forms undefined by reg, register forms (mod = 3) by reg and rm (table A-7..A-22).
// The undocumented aliases (FSTP1, FXCH4, FCOMP5, FFREEP ...) exist on every x87 and are decoded.
bool x87(const Instruction& in) {
    u8 esc = in.opcode & 7;
    u8 reg = in.modrm_reg & 7;
    u8 rm = in.modrm & 7;
    if (in.modrm_mod != 3) {
        switch (esc) {
        case 1: return reg != 1;
        case 3: return reg != 4 && reg != 6;
        case 5: return reg != 5;
        default: return true;
        }
    }
    switch (esc) {
    case 1:
        if (reg == 2) return rm == 0;             // FNOP
        if (reg == 4) return bit(0b00110011, rm); // FCHS FABS FTST FXAM
        if (reg == 5) return rm != 7;             // FLD1 .. FLDZ
        return true;
    case 2: return reg < 4 || (reg == 5 && rm == 1); // FCMOVcc, FUCOMPP
    case 3:
        if (reg == 4) return rm < 5; // FENI FDISI (8087 NOPs) FNCLEX FNINIT FSETPM (287 NOP)
        return reg != 7;
    case 5: return reg < 6;
    case 6: return reg != 3 || rm == 1; // FCOMPP
    case 7:
        if (reg == 4) return rm == 0; // FNSTSW AX
        return reg != 7;
    default: return true;
    }
}

// 0F 01 register forms (table A-6 group 7 with mod = 11B), by ModRM byte C0..FF and mandatory prefix
// (SDM vol. 2 and AMD APM vol. 3 per instruction). SMSW/LMSW, AMD SVM (D8-DF), RDTSCP, CLZERO, RDPRU and
// SWAPGS ignore 66/F2/F3; the others are defined only without a prefix or with the one that names them.
bool group7_register(const Instruction& in) {
    u8 m = in.modrm;
    bool is64 = in.mode == CodeMode::Bits64;
    if ((m >= 0xd8 && m <= 0xe7) || (m >= 0xf0 && m <= 0xf7) || m == 0xf9 || m == 0xfc || m == 0xfd)
        return true;
    if (m == 0xf8) return is64; // SWAPGS
    switch (in.rep) {
    case RepPrefix::Rep:
        if (m == 0xe8 || m == 0xea || m == 0xfa) return true;                // SETSSBSY SAVEPREVSSP MCOMMIT
        return is64 && ((m >= 0xec && m <= 0xef) || m == 0xfe || m == 0xff); // UINTR; RMPADJUST PSMASH
    case RepPrefix::Repne:
        if (m == 0xe8 || m == 0xe9 || m == 0xff) return true; // XSUSLDTRK XRESLDTRK PVALIDATE
        return is64 && m == 0xfe;                             // RMPUPDATE
    case RepPrefix::None: break;
    }
    if (in.operand_size_prefix)
        return m == 0xcc || (is64 && m >= 0xcd && m <= 0xcf); // TDCALL; SEAMRET SEAMOPS SEAMCALL
    switch (m) {
    case 0xc0:
    case 0xc1:
    case 0xc2:
    case 0xc3:
    case 0xc4: // ENCLV VMCALL VMLAUNCH VMRESUME VMXOFF
    case 0xc5: // PCONFIG
    case 0xc8:
    case 0xc9:
    case 0xca:
    case 0xcb: // MONITOR MWAIT CLAC STAC
    case 0xcf: // ENCLS
    case 0xd0:
    case 0xd1:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7: // XGETBV XSETBV VMFUNC XEND XTEST ENCLU
    case 0xe8: // SERIALIZE
    case 0xee:
    case 0xef: // RDPKRU WRPKRU
    case 0xfa:
    case 0xfb:
    case 0xfe:
    case 0xff: // MONITORX MWAITX INVLPGB TLBSYNC
        return true;
    default: return false;
    }
}

} // namespace

bool resolve_form(Instruction& in) {
    u8 reg = in.modrm_reg & 7;
    bool memory = in.modrm_mod != 3;
    switch (in.opcode_index()) {
    case op(one, 0x80):
    case op(one, 0x81):
    case op(one, 0x82):
    case op(one, 0x83):
        if (reg == 7) in.flags &= static_cast<u16>(~Lockable); // CMP
        return true;
    case op(one, 0x8f): return reg == 0; // POP Ev
    case op(one, 0xc6):                  // MOV Eb, Ib; XABORT Ib (C6 F8)
    case op(one, 0xc7):                  // MOV Ev, Iz; XBEGIN rel16/32 (C7 F8)
        if (in.modrm == 0xf8) {
            if (in.opcode == 0xc7) in.flags |= Relative;
            return true;
        }
        return reg == 0;
    case op(one, 0xf6):
    case op(one, 0xf7):
        if (reg < 2)
            in.immediate_kind = in.opcode == 0xf6 ? ImmediateKind::Ib : ImmediateKind::Iz; // TEST
        else
            in.immediate_kind = ImmediateKind::None;
        if (reg != 2 && reg != 3) in.flags &= static_cast<u16>(~Lockable); // only NOT and NEG lock
        return true;
    case op(one, 0xfe): return reg < 2; // INC/DEC Eb
    case op(one, 0xff):
        if (reg >= 2) in.flags &= static_cast<u16>(~Lockable);
        if (reg == 2 || reg == 4) in.flags |= Force64;    // near CALL/JMP Ev
        if (reg == 3 || reg == 5) in.flags |= MemoryOnly; // CALLF/JMPF Mp
        if (reg == 6) in.flags |= Default64;              // PUSH Ev
        return reg != 7;
    case op(one, 0xd8):
    case op(one, 0xd9):
    case op(one, 0xda):
    case op(one, 0xdb):
    case op(one, 0xdc):
    case op(one, 0xdd):
    case op(one, 0xde):
    case op(one, 0xdf): return x87(in);

    case op(two, 0x00): // SLDT STR LLDT LTR VERR VERW
        return reg < 6;
    case op(two, 0x01):
        if (memory && reg < 4)
            in.flags |= Force64; // SGDT SIDT LGDT LIDT: 10-byte operand in 64-bit mode, 66 ignored
        if (memory) return reg != 5 || in.rep == RepPrefix::Rep; // F3 /5: RSTORSSP
        return group7_register(in);
    case op(one, 0x8c): return reg < 6;             // MOV Ev, Sreg: ES CS SS DS FS GS
    case op(one, 0x8e): return reg < 6 && reg != 1; // MOV Sreg, Ew: loading CS is #UD
    case op(two, 0x12):
    case op(two, 0x16): // MOVLPD/MOVHPD (66) need memory; MOVHLPS/MOVLHPS do not
        return memory || !in.operand_size_prefix || in.rep != RepPrefix::None;
    case op(two, 0xd6): // MOVQ2DQ / MOVDQ2Q (F3/F2) are register-only
        return !memory || in.rep == RepPrefix::None;
    case op(two, 0x20):
    case op(two, 0x22): // CR0 CR2 CR3 CR4 CR8 exist (SDM MOV-Control Registers #UD)
        return in.modrm_reg == 0 || (in.modrm_reg >= 2 && in.modrm_reg <= 4) || in.modrm_reg == 8;
    case op(two, 0x21):
    case op(two, 0x23): // DR0-DR7; REX.R (DR8-15) is #UD
        return in.modrm_reg < 8;
    case op(two, 0x0d): return true; // PREFETCH / PREFETCHW / reserved prefetch hints
    case op(two, 0x18): return true; // PREFETCHh (/0-/3), reserved hint NOPs
    case op(two, 0x71):
    case op(two, 0x72): // PSRL PSRA PSLL Ib
        return reg == 2 || reg == 4 || reg == 6;
    case op(two, 0x73): // PSRLQ PSRLDQ PSLLQ PSLLDQ Ib (the DQ forms need 66)
        return reg == 2 || reg == 6 || ((reg == 3 || reg == 7) && in.operand_size_prefix);
    case op(two, 0x78):
    case op(two, 0x79):
        if (in.rep == RepPrefix::Rep) return false;
        if (in.rep == RepPrefix::Repne || in.operand_size_prefix) {
            in.flags |= RegisterOnly; // EXTRQ / INSERTQ (AMD SSE4a)
            if (in.opcode == 0x78 && in.rep == RepPrefix::None) {
                in.immediate_kind = ImmediateKind::Ib;
                return reg == 0;
            }
            if (in.opcode == 0x78) in.immediate_kind = ImmediateKind::Ib;
            return !memory;
        }
        return true; // VMREAD / VMWRITE
    case op(two, 0xae): {
        if (memory) {
            switch (in.rep) {
            case RepPrefix::None:
                if (in.operand_size_prefix) return reg >= 6; // CLWB CLFLUSHOPT
                return true; // FXSAVE FXRSTOR LDMXCSR STMXCSR XSAVE XRSTOR XSAVEOPT CLFLUSH
            case RepPrefix::Rep: return reg == 4 || reg == 6; // PTWRITE, CLRSSBSY
            case RepPrefix::Repne: return false;
            }
        }
        switch (in.rep) {
        case RepPrefix::None:
            if (in.operand_size_prefix) return reg == 6; // TPAUSE
            return reg >= 5;                             // LFENCE MFENCE SFENCE
        case RepPrefix::Rep:
            if (reg < 4) return in.mode == CodeMode::Bits64; // RDFSBASE .. WRGSBASE
            return reg >= 4 && reg <= 6;                     // PTWRITE, INCSSP, UMONITOR
        case RepPrefix::Repne: return reg == 6;              // UMWAIT
        }
        return false;
    }
    case op(two, 0xba): // BT BTS BTR BTC Ib
        if (reg == 4) in.flags &= static_cast<u16>(~Lockable);
        return reg >= 4;
    case op(two, 0xc7):
        if (memory) {
            if (reg == 1) // CMPXCHG8B/16B
                return true;
            in.flags &= static_cast<u16>(~Lockable);
            if (reg >= 3 && reg <= 5) // XRSTORS XSAVEC XSAVES
                return in.rep == RepPrefix::None && !in.operand_size_prefix;
            if (reg == 6) // VMPTRLD, 66: VMCLEAR, F3: VMXON
                return in.rep != RepPrefix::Repne;
            return reg == 7 && in.rep == RepPrefix::None && !in.operand_size_prefix; // VMPTRST
        }
        in.flags &= static_cast<u16>(~Lockable);
        if (in.rep == RepPrefix::Rep)
            return reg == 7 || (reg == 6 && in.mode == CodeMode::Bits64); // RDPID, SENDUIPI
        return in.rep == RepPrefix::None && (reg == 6 || reg == 7);       // RDRAND RDSEED
    case op(OpcodeMap::Map0F38, 0xf0):
    case op(OpcodeMap::Map0F38, 0xf1):
        return memory || in.rep == RepPrefix::Repne; // MOVBE needs memory; CRC32 does not
    case op(OpcodeMap::Map0F38, 0x80):
    case op(OpcodeMap::Map0F38, 0x81):
    case op(OpcodeMap::Map0F38, 0x82):
    case op(OpcodeMap::Map0F38, 0xf5):
    case op(OpcodeMap::Map0F38, 0xf8):
    case op(OpcodeMap::Map0F38, 0xf9):
        return memory; // INVEPT INVVPID INVPCID, WRUSS, MOVDIR64B/ENQCMD, MOVDIRI
    case op(OpcodeMap::Map0F38, 0x2a): return memory; // MOVNTDQA
    case op(OpcodeMap::Map0F3A, 0xf0):
        return in.modrm == 0xc0; // HRESET imm8 (implicit EAX)
    // Key Locker (F3 forms): AESENC/DECWIDE*KL (D8 /0-/3) and AESENC/DEC*KL (DC-DF) take a memory
    // handle; F3 0F 38 DC with a register is LOADIWKEY.
    case op(OpcodeMap::Map0F38, 0xd8): return in.rep != RepPrefix::Rep || (memory && reg < 4);
    case op(OpcodeMap::Map0F38, 0xdc): return true;
    case op(OpcodeMap::Map0F38, 0xdd):
    case op(OpcodeMap::Map0F38, 0xde):
    case op(OpcodeMap::Map0F38, 0xdf): return memory || in.rep != RepPrefix::Rep;
    case op(OpcodeMap::Map0F38, 0xfa):
    case op(OpcodeMap::Map0F38, 0xfb): return !memory; // ENCODEKEY
    case op(two, 0xa6): return in.modrm == 0xc0 || in.modrm == 0xc8 || in.modrm == 0xd0;
    case op(two, 0xa7): // XSTORE (C0), REP XCRYPTECB/CBC/CTR/CFB/OFB (C8-E8)
        if (in.modrm == 0xc0) return in.rep != RepPrefix::Repne;
        return (in.modrm & 7) == 0 && in.modrm <= 0xe8 && in.rep == RepPrefix::Rep;
    case op(OpcodeMap::Map0F38, 0xf6):
        return memory || in.rep == RepPrefix::Rep || in.operand_size_prefix; // WRSS needs memory
    default: return true;
    }
}

bool is_3dnow_operation(u8 suffix) {
    switch (suffix) {
    case 0x0c:
    case 0x0d:
    case 0x1c:
    case 0x1d:
    case 0x8a:
    case 0x8e:
    case 0x90:
    case 0x94:
    case 0x96:
    case 0x97:
    case 0x9a:
    case 0x9e:
    case 0xa0:
    case 0xa4:
    case 0xa6:
    case 0xa7:
    case 0xaa:
    case 0xae:
    case 0xb0:
    case 0xb4:
    case 0xb6:
    case 0xb7:
    case 0xbb:
    case 0xbf: return true;
    default: return false;
    }
}

} // namespace realvm::vcpu
